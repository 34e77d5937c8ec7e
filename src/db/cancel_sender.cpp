#include "db/cancel_sender.h"

#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <thread>

namespace pgvigil::db {
namespace {

constexpr int kMaxInFlight = 4;
std::atomic<int> g_in_flight{0};

struct CancelDeleter {
  void operator()(PGcancel* c) const { PQfreeCancel(c); }
};

}  // namespace

void send_cancel_detached(pg_conn* conn) {
  if (conn == nullptr) return;
  if (g_in_flight.fetch_add(1) >= kMaxInFlight) {
    g_in_flight.fetch_sub(1);
    return;
  }
  std::unique_ptr<PGcancel, CancelDeleter> cancel{PQgetCancel(conn)};
  if (!cancel) {
    g_in_flight.fetch_sub(1);
    return;
  }
  try {
    std::thread([cancel = std::move(cancel)] {
      char errbuf[256];
      PQcancel(cancel.get(), errbuf, sizeof errbuf);
      g_in_flight.fetch_sub(1);
    }).detach();
  } catch (...) {
    g_in_flight.fetch_sub(1);  // no thread could be started: skip the cancel
  }
}

}  // namespace pgvigil::db
