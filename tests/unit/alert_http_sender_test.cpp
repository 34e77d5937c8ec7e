// One POST and what its answer means, against a receiver on the loopback interface.
#include "alerts/http_sender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>

#include "alert_test_receiver.h"

namespace pgvigil::alerts {
namespace {

using namespace std::chrono_literals;
using testing::ReceivedRequest;
using testing::TestReceiver;

TEST(AlertHttpSender, A2xxIsDeliveredWithTheBodyAndHeaders) {
  TestReceiver receiver([](const ReceivedRequest&) { return 202; });
  receiver.start();
  const SendResult result =
      post_json(receiver.url("/hook?x=1"), R"({"a":1})", {{"Authorization", "Bearer t0ken"}, {"X-Extra", "1"}}, 2s);
  EXPECT_EQ(result.outcome, SendOutcome::delivered);
  EXPECT_EQ(result.status, 202);
  EXPECT_TRUE(result.error.empty());
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/hook");
  EXPECT_EQ(requests[0].body, R"({"a":1})");
  EXPECT_EQ(requests[0].headers.at("Content-Type"), "application/json");
  EXPECT_EQ(requests[0].headers.at("Authorization"), "Bearer t0ken");
  EXPECT_EQ(requests[0].headers.at("X-Extra"), "1");
  EXPECT_EQ(requests[0].headers.at("User-Agent").rfind("pgvigil/", 0), 0u);
}

TEST(AlertHttpSender, A4xxIsRejectedAndTheErrorLeavesTheHeadersOut) {
  TestReceiver receiver([](const ReceivedRequest&) { return 401; });
  receiver.start();
  const SendResult result = post_json(receiver.url("/hook"), "{}", {{"Authorization", "Bearer t0ken"}}, 2s);
  EXPECT_EQ(result.outcome, SendOutcome::rejected);
  EXPECT_EQ(result.status, 401);
  EXPECT_NE(result.error.find("HTTP 401"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("test says no"), std::string::npos) << "an excerpt of the answer: " << result.error;
  EXPECT_EQ(result.error.find("t0ken"), std::string::npos);
}

TEST(AlertHttpSender, ServerErrorsTooManyRequestsAndRequestTimeoutAreRetried) {
  for (const int status : {500, 502, 503, 429, 408}) {
    TestReceiver receiver([status](const ReceivedRequest&) { return status; });
    receiver.start();
    const SendResult result = post_json(receiver.url("/"), "{}", {}, 2s);
    EXPECT_EQ(result.outcome, SendOutcome::retry) << status;
    EXPECT_EQ(result.status, status);
  }
}

TEST(AlertHttpSender, ARefusedConnectionIsRetriedWithoutAStatus) {
  TestReceiver receiver;  // never started: the port refuses connections
  const SendResult result = post_json(receiver.url("/hook"), "{}", {}, 2s);
  EXPECT_EQ(result.outcome, SendOutcome::retry);
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.error, "cannot connect");
}

TEST(AlertHttpSender, ASlowReceiverTimesOutAndIsRetried) {
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  TestReceiver receiver([&](const ReceivedRequest&) {
    std::unique_lock lock(mutex);
    released_cv.wait_for(lock, 5s, [&] { return released; });
    return 200;
  });
  receiver.start();
  const auto started = std::chrono::steady_clock::now();
  const SendResult result = post_json(receiver.url("/hook"), "{}", {}, 200ms);
  const auto took = std::chrono::steady_clock::now() - started;
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  released_cv.notify_all();
  EXPECT_EQ(result.outcome, SendOutcome::retry);
  EXPECT_EQ(result.status, 0);
  EXPECT_LT(took, 2s);
}

TEST(AlertHttpSender, CredentialsInTheUrlBecomeBasicAuth) {
  TestReceiver receiver;
  receiver.start();
  const std::string url = "http://bot:s3cret@127.0.0.1:" + std::to_string(receiver.port()) + "/hook";
  EXPECT_EQ(post_json(url, "{}", {}, 2s).outcome, SendOutcome::delivered);
  ASSERT_EQ(receiver.count(), 1u);
  EXPECT_EQ(receiver.requests()[0].headers.at("Authorization"), "Basic Ym90OnMzY3JldA==");
}

TEST(AlertHttpSender, HttpsSpeaksTlsAndFailsAgainstAPlainServer) {
  TestReceiver receiver;
  receiver.start();
  const std::string url = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/hook";
  const SendResult result = post_json(url, "{}", {}, 1s);
  EXPECT_EQ(result.outcome, SendOutcome::retry);
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(receiver.accepted_bodies().size(), 0u);
}

TEST(AlertHttpSender, ABadUrlIsRejectedWithoutEchoingIt) {
  const SendResult result = post_json("ftp://user:pw@host/", "{}", {}, 1s);
  EXPECT_EQ(result.outcome, SendOutcome::rejected);
  EXPECT_EQ(result.error.find("pw"), std::string::npos);
}

TEST(AlertHttpSender, NamesOutcomes) {
  EXPECT_EQ(to_string(SendOutcome::delivered), "delivered");
  EXPECT_EQ(to_string(SendOutcome::rejected), "rejected");
  EXPECT_EQ(to_string(SendOutcome::retry), "retry");
}

}  // namespace
}  // namespace pgvigil::alerts
