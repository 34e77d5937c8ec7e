// The HTTP server's worker threads: each routes one whole request at a time and renders its
// answer (the connection loop does the network waiting). Two things an operator sees:
//  - each thread is named ("http-3"), so `top -H` and stack dumps tell them apart;
//  - each runs at a lower scheduling priority than the health workers. A flood of probes on a
//    busy machine then slows the answers a little rather than starving the cycles that produce
//    them, which would turn overload into false "member down" verdicts.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pgvigil::http {

class WorkerPool final : public httplib::TaskQueue {
 public:
  // How much lower than the process's priority the workers run (nice increment, 0..19).
  static constexpr int kNiceIncrement = 10;

  explicit WorkerPool(std::size_t threads);
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void enqueue(std::function<void()> job) override;
  void shutdown() override;  // runs what is queued, then joins

 private:
  void work(std::size_t index);

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once the rest exists
};

}  // namespace pgvigil::http
