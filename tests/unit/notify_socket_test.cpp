#include "app/notify_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace pgvigil::app {
namespace {

TEST(NotifySocket, APathIsNulTerminatedAndAnAbstractNameIsNot) {
  const auto path = parse_notify_socket("/run/systemd/notify");
  ASSERT_TRUE(path);
  EXPECT_STREQ(path->address.sun_path, "/run/systemd/notify");
  EXPECT_EQ(path->length, offsetof(sockaddr_un, sun_path) + 20);

  const auto abstract = parse_notify_socket("@pgvigil/notify");
  ASSERT_TRUE(abstract);
  EXPECT_EQ(abstract->address.sun_path[0], '\0');
  EXPECT_EQ(std::string(abstract->address.sun_path + 1, 14), "pgvigil/notify");
  EXPECT_EQ(abstract->length, offsetof(sockaddr_un, sun_path) + 15);
}

TEST(NotifySocket, UnusableValuesMeanNoNotifications) {
  EXPECT_FALSE(parse_notify_socket(nullptr));
  EXPECT_FALSE(parse_notify_socket(""));
  EXPECT_FALSE(parse_notify_socket("@"));
  EXPECT_FALSE(parse_notify_socket("relative/path"));
  EXPECT_FALSE(parse_notify_socket(("/" + std::string(200, 'x')).c_str()));
}

TEST(NotifySocket, WatchdogIsOursOnlyWhenThePidMatchesOrIsUnset) {
  EXPECT_EQ(parse_watchdog("30000000", nullptr, 42), std::chrono::seconds(30));
  EXPECT_EQ(parse_watchdog("30000000", "", 42), std::chrono::seconds(30));
  EXPECT_EQ(parse_watchdog("30000000", "42", 42), std::chrono::seconds(30));
  EXPECT_FALSE(parse_watchdog("30000000", "43", 42));
  EXPECT_FALSE(parse_watchdog(nullptr, nullptr, 42));
  EXPECT_FALSE(parse_watchdog("0", nullptr, 42));
  EXPECT_FALSE(parse_watchdog("30s", nullptr, 42));
  EXPECT_FALSE(parse_watchdog("-5", nullptr, 42));
}

TEST(NotifySocket, SendsOneDatagramToAnAbstractSocket) {
  const int receiver = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(receiver, 0);
  const std::string name = "@pgvigil-notify-test-" + std::to_string(::getpid());
  const auto address = parse_notify_socket(name.c_str());
  ASSERT_TRUE(address);
  ASSERT_EQ(::bind(receiver, reinterpret_cast<const sockaddr*>(&address->address), address->length), 0);

  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  const bool sent = send_notify("STATUS=2 of 2 members up");
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_TRUE(sent);
  char buffer[128] = {};
  const auto got = ::recv(receiver, buffer, sizeof buffer, MSG_DONTWAIT);
  ::close(receiver);
  EXPECT_EQ(std::string(buffer, got > 0 ? static_cast<std::size_t>(got) : 0), "STATUS=2 of 2 members up");
  EXPECT_FALSE(send_notify("READY=1"));  // unset: nothing to talk to
}

}  // namespace
}  // namespace pgvigil::app
