// The Dispatcher against receivers on the loopback interface: retries in order, signing, drops,
// receivers that come up late, restarts, and shutdown with a request in flight.
#include "alerts/delivery_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "alert_test_receiver.h"
#include "alert_test_support.h"
#include "alerts/hmac_signature.h"

namespace pgvigil::alerts {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::ReceivedRequest;
using testing::ScratchDir;
using testing::TestReceiver;

constexpr std::uint64_t kRoomy = 16 * 1024 * 1024;
// Real-time retries kept short so that the tests take milliseconds, not the production seconds.
constexpr RetryPolicy kQuickRetries{5ms, 40ms, 2.0};

Target webhook(std::string sink, std::string url, std::string secret = "") {
  Target target;
  target.sink = std::move(sink);
  target.type = config::SinkType::webhook;
  target.url = std::move(url);
  target.secret = std::move(secret);
  target.timeout = 2s;
  return target;
}

Target alertmanager(std::string sink, std::string url) {
  Target target = webhook(std::move(sink), std::move(url));
  target.type = config::SinkType::alertmanager;
  return target;
}

std::vector<std::string> numbered(int count) {
  std::vector<std::string> bodies;
  for (int i = 1; i <= count; ++i) bodies.push_back("{\"n\":" + std::to_string(i) + "}");
  return bodies;
}

const SinkDeliveryStats& sink_stats(const DispatcherStats& stats, std::string_view sink) {
  for (const auto& entry : stats.sinks) {
    if (entry.sink == sink) return entry;
  }
  throw std::runtime_error("no stats for sink " + std::string(sink));
}

TEST(Dispatcher, RetriesServerErrorsAndDeliversEverythingInOrderOnce) {
  std::atomic<int> answered{0};
  TestReceiver receiver([&](const ReceivedRequest&) { return ++answered <= 3 ? 500 : 200; });
  receiver.start();
  ScratchDir dir;
  Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", receiver.url("/hook"))}, real_clock(), kQuickRetries);
  const auto bodies = numbered(5);
  for (const auto& body : bodies) EXPECT_EQ(dispatcher.submit("ops", body), 1u);

  ASSERT_TRUE(eventually([&] { return dispatcher.stats().queue_depth == 0; }));
  EXPECT_EQ(receiver.accepted_bodies(), bodies);
  EXPECT_EQ(receiver.count(), 8u) << "three failures, then each notification once";
  const DispatcherStats stats = dispatcher.stats();
  const auto& ops = sink_stats(stats, "ops");
  EXPECT_EQ(ops.delivered, 5u);
  EXPECT_EQ(ops.retried, 3u);
  EXPECT_EQ(ops.rejected, 0u);
  EXPECT_EQ(ops.dropped, 0u);
  ASSERT_EQ(stats.targets.size(), 1u);
  EXPECT_EQ(stats.targets[0].target, "ops#0");
  EXPECT_EQ(stats.targets[0].consecutive_failures, 0u);
  EXPECT_TRUE(stats.targets[0].last_success);
  EXPECT_TRUE(stats.targets[0].last_attempt);
  EXPECT_NE(stats.targets[0].last_error.find("HTTP 500"), std::string::npos);
  EXPECT_TRUE(stats.spool_durable);
}

TEST(Dispatcher, SignsWebhookNotificationsWithTheTimeOfSending) {
  TestReceiver receiver;
  receiver.start();
  ScratchDir dir;
  ManualClock clock;
  Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", receiver.url("/hook"), "s3cret")}, clock, kQuickRetries);
  dispatcher.submit("ops", R"({"status":"firing"})");
  ASSERT_TRUE(eventually([&] { return receiver.count() == 1; }));

  const ReceivedRequest request = receiver.requests()[0];
  const std::string timestamp = request.headers.at("X-Pgvigil-Timestamp");
  const auto expected_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(clock.wall_now().time_since_epoch()).count();
  EXPECT_EQ(timestamp, std::to_string(expected_seconds));
  EXPECT_EQ(request.headers.at("X-Pgvigil-Signature"), "sha256=" + hmac_sha256_hex("s3cret", timestamp + "." + request.body));
  EXPECT_EQ(request.body, R"({"status":"firing"})");
}

TEST(Dispatcher, SendsToEveryAlertmanagerUrlUnsigned) {
  TestReceiver first;
  TestReceiver second;
  first.start();
  second.start();
  ScratchDir dir;
  Dispatcher dispatcher(dir.str(), kRoomy, {alertmanager("am", first.url()), alertmanager("am", second.url("/am/"))},
                        real_clock(), kQuickRetries);
  EXPECT_EQ(dispatcher.submit("am", "[]"), 2u);
  ASSERT_TRUE(eventually([&] { return first.count() == 1 && second.count() == 1; }));
  EXPECT_EQ(first.requests()[0].path, "/api/v2/alerts");
  EXPECT_EQ(second.requests()[0].path, "/am/api/v2/alerts");
  EXPECT_FALSE(first.requests()[0].headers.contains("X-Pgvigil-Signature"));
  ASSERT_TRUE(eventually([&] { return sink_stats(dispatcher.stats(), "am").delivered == 2; }));
  EXPECT_EQ(dispatcher.stats().targets[1].target, "am#1");
}

TEST(Dispatcher, DropsAndCountsANotificationTheReceiverRejects) {
  TestReceiver receiver([](const ReceivedRequest& request) { return request.body == "\"bad\"" ? 400 : 200; });
  receiver.start();
  ScratchDir dir;
  Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", receiver.url("/hook"))}, real_clock(), kQuickRetries);
  dispatcher.submit("ops", "\"bad\"");
  dispatcher.submit("ops", "\"good\"");
  ASSERT_TRUE(eventually([&] { return dispatcher.stats().queue_depth == 0 && receiver.count() == 2; }));
  EXPECT_EQ(receiver.accepted_bodies(), std::vector<std::string>{"\"good\""});
  const auto stats = dispatcher.stats();
  EXPECT_EQ(sink_stats(stats, "ops").rejected, 1u);
  EXPECT_EQ(sink_stats(stats, "ops").delivered, 1u);
  EXPECT_EQ(sink_stats(stats, "ops").retried, 0u);
  EXPECT_NE(stats.targets[0].last_error.find("HTTP 400"), std::string::npos);
}

TEST(Dispatcher, DeliversOnceAReceiverThatWasDownComesUp) {
  TestReceiver receiver;  // down: its port refuses connections
  ScratchDir dir;
  Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", receiver.url("/hook"))}, real_clock(), kQuickRetries);
  const auto bodies = numbered(3);
  for (const auto& body : bodies) dispatcher.submit("ops", body);
  ASSERT_TRUE(eventually([&] { return sink_stats(dispatcher.stats(), "ops").retried >= 2; }));
  const auto failing = dispatcher.stats();
  EXPECT_EQ(failing.queue_depth, 3u);
  EXPECT_GE(failing.targets[0].consecutive_failures, 2u);
  EXPECT_FALSE(failing.targets[0].last_success);
  EXPECT_FALSE(failing.targets[0].last_error.empty());

  receiver.start();
  ASSERT_TRUE(eventually([&] { return receiver.accepted_bodies().size() == 3; }));
  EXPECT_EQ(receiver.accepted_bodies(), bodies);
  ASSERT_TRUE(eventually([&] { return dispatcher.stats().queue_depth == 0; }));
}

TEST(Dispatcher, DeliversAfterARestartWhatWasSpooledBeforeIt) {
  TestReceiver receiver;  // down until after the restart
  ScratchDir dir;
  const auto bodies = numbered(4);
  {
    Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", receiver.url("/hook"))}, real_clock(), kQuickRetries);
    for (const auto& body : bodies) dispatcher.submit("ops", body);
    ASSERT_TRUE(eventually([&] { return sink_stats(dispatcher.stats(), "ops").retried >= 1; }));
  }  // the daemon stops with everything still undelivered
  {
    Spool spool(dir.str(), kRoomy);
    EXPECT_EQ(spool.pending_count("ops#0"), 4u);
  }
  Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", receiver.url("/hook"))}, real_clock(), kQuickRetries);
  receiver.start();
  ASSERT_TRUE(eventually([&] { return dispatcher.stats().queue_depth == 0; }));
  EXPECT_EQ(receiver.accepted_bodies(), bodies);
  EXPECT_EQ(sink_stats(dispatcher.stats(), "ops").delivered, 4u);
}

TEST(Dispatcher, DropsSpooledDeliveriesForSinksNoLongerConfigured) {
  TestReceiver receiver;
  ScratchDir dir;
  {
    Dispatcher dispatcher(dir.str(), kRoomy, {webhook("old", receiver.url("/old")), webhook("ops", receiver.url("/hook"))},
                          real_clock(), kQuickRetries);
    dispatcher.submit("old", "1");
    dispatcher.submit("old", "2");
    dispatcher.submit("ops", "3");
  }
  receiver.start();
  Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", receiver.url("/hook"))}, real_clock(), kQuickRetries);
  ASSERT_TRUE(eventually([&] { return dispatcher.stats().queue_depth == 0; }));
  EXPECT_EQ(receiver.accepted_bodies(), std::vector<std::string>{"3"});
  const auto stats = dispatcher.stats();
  EXPECT_EQ(stats.dropped_total, 2u);
  EXPECT_EQ(sink_stats(stats, "ops").dropped, 0u);
}

TEST(Dispatcher, CountsWhatAFullSpoolPushesOut) {
  TestReceiver receiver;  // down: everything stays queued
  ScratchDir dir;
  Dispatcher dispatcher(dir.str(), 2048, {webhook("ops", receiver.url("/hook"))}, real_clock(), kQuickRetries);
  for (int i = 0; i < 6; ++i) dispatcher.submit("ops", std::string(500, 'x') + std::to_string(i));
  const auto stats = dispatcher.stats();
  EXPECT_GT(stats.dropped_total, 0u);
  EXPECT_EQ(sink_stats(stats, "ops").dropped, stats.dropped_total);
  EXPECT_EQ(stats.queue_depth + stats.dropped_total, 6u);
}

TEST(Dispatcher, WaitsOutTheBackoffOnItsClockWithoutSkippingAhead) {
  std::atomic<int> answered{0};
  TestReceiver receiver([&](const ReceivedRequest&) { return ++answered == 1 ? 503 : 200; });
  receiver.start();
  ScratchDir dir;
  ManualClock clock;
  Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", receiver.url("/hook"))}, clock, RetryPolicy{10s, 10s, 2.0});
  dispatcher.submit("ops", "1");
  ASSERT_TRUE(eventually([&] { return receiver.count() == 1; }));
  dispatcher.submit("ops", "2");  // must not overtake the first while it waits
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(receiver.count(), 1u) << "no retry before the clock has moved";
  clock.advance(10s);  // full jitter never waits longer than the ceiling
  ASSERT_TRUE(eventually([&] { return receiver.accepted_bodies().size() == 2; }));
  EXPECT_EQ(receiver.accepted_bodies(), (std::vector<std::string>{"1", "2"}));
}

TEST(Dispatcher, ASlowReceiverDoesNotHoldUpAnotherSink) {
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  TestReceiver slow([&](const ReceivedRequest&) {
    std::unique_lock lock(mutex);
    released_cv.wait_for(lock, 5s, [&] { return released; });
    return 200;
  });
  TestReceiver fast;
  slow.start();
  fast.start();
  ScratchDir dir;
  {
    Dispatcher dispatcher(dir.str(), kRoomy, {webhook("slow", slow.url("/")), webhook("fast", fast.url("/"))},
                          real_clock(), kQuickRetries);
    dispatcher.submit("slow", "1");
    dispatcher.submit("fast", "2");
    EXPECT_TRUE(eventually([&] { return fast.accepted_bodies().size() == 1; }));
    {
      std::lock_guard lock(mutex);
      released = true;
    }
    released_cv.notify_all();
  }
}

TEST(Dispatcher, StopsWithinTheTimeoutOfAPostInFlight) {
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  std::atomic<bool> in_handler{false};
  TestReceiver receiver([&](const ReceivedRequest&) {
    in_handler = true;
    std::unique_lock lock(mutex);
    released_cv.wait_for(lock, 5s, [&] { return released; });
    return 200;
  });
  receiver.start();
  ScratchDir dir;
  Target target = webhook("ops", receiver.url("/hook"));
  target.timeout = 300ms;
  auto dispatcher = std::make_unique<Dispatcher>(dir.str(), kRoomy, std::vector<Target>{target}, real_clock(),
                                                 kQuickRetries);
  dispatcher->submit("ops", "1");
  ASSERT_TRUE(eventually([&] { return in_handler.load(); }));
  const auto started = std::chrono::steady_clock::now();
  dispatcher.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  released_cv.notify_all();
}

TEST(Dispatcher, IgnoresAnUnknownSink) {
  ScratchDir dir;
  Dispatcher dispatcher(dir.str(), kRoomy, {webhook("ops", "http://127.0.0.1:1/")}, real_clock(), kQuickRetries);
  EXPECT_EQ(dispatcher.submit("nope", "{}"), 0u);
  EXPECT_EQ(dispatcher.stats().queue_depth, 0u);
}

}  // namespace
}  // namespace pgvigil::alerts
