// What the pool tests share: a cluster config on a test server, a member's pool on its own (made
// as a member's runtime makes it), the schedulers a daemon lends its clusters, and polling.
#pragma once

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cmath>
#include <fstream>
#include <set>
#include <thread>

#include "cluster/cluster_runtime.h"
#include "cluster/connect_spec.h"
#include "db/conninfo.h"
#include "pg_cluster.h"
#include "ports.h"
#include "pool/pool_manager.h"

namespace pgvigil::pool_testing {

using namespace std::chrono_literals;
using testing::PgCluster;
using Clock = std::chrono::steady_clock;

inline config::ClusterConfig cluster_config(const PgCluster& pg, int members = 2) {
  config::ClusterConfig c;
  c.name = "main";
  const char* names[] = {"db1", "db2"};
  for (int i = 0; i < members; ++i) {
    config::MemberConfig m;
    m.name = names[i];
    m.params = *db::parse_conninfo(pg.conninfo(i, "pgvigil"));
    m.password_file = pg.password_file();
    c.members.push_back(std::move(m));
  }
  c.pool.connect_timeout = 1s;
  c.pool.acquire_timeout = 500ms;
  c.health.query_timeout = 1s;
  return c;
}

inline int pgvigil_sessions(PgCluster& pg, int member) {
  auto rows = pg.exec(member, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgvigil'");
  return std::stoi(*rows.at(0).at(0));
}

// One member's pool on its own, made as a member's runtime makes it.
struct MemberPool {
  MemberPool(const config::ClusterConfig& c, const std::string& member)
      : pool(member, c.pool, c.retry,
             [m = *std::ranges::find_if(c.members, [&](const auto& x) { return x.name == member; }), c] {
               return cluster::make_connect_spec(m, c);
             },
             real_clock(), interrupter) {}
  db::Interrupter interrupter;
  pool::ConnectionPool pool;
};

// The schedulers and socket watch a daemon lends its clusters.
struct Services {
  Scheduler health{"health", real_clock(), 2};
  Scheduler background{"work", real_clock(), 2};
  pool::SocketWatch watch;
  cluster::RuntimeServices services{health, background, &watch, real_clock()};
};

inline const health::MemberSnapshot& member_of(const cluster::ClusterRuntime& runtime, const std::string& name,
                                        std::shared_ptr<const health::ClusterSnapshot>& hold) {
  hold = runtime.snapshot();
  static const health::MemberSnapshot none;
  const auto* m = hold->member(name);
  return m ? *m : none;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

}  // namespace pgvigil::pool_testing
