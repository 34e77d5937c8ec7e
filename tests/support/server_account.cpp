#include "server_account.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace pgvigil::testing {
namespace {

bool running_as_root() { return ::geteuid() == 0; }

Credentials postgres_account() {
  const passwd* entry = ::getpwnam("postgres");
  if (entry == nullptr) {
    throw std::runtime_error("running as root, but there is no postgres account to run servers as");
  }
  Credentials who{entry->pw_uid, entry->pw_gid, {}};
  int count = 16;
  who.groups.resize(static_cast<size_t>(count));
  if (::getgrouplist(entry->pw_name, entry->pw_gid, who.groups.data(), &count) < 0) {
    who.groups.resize(static_cast<size_t>(count));
    ::getgrouplist(entry->pw_name, entry->pw_gid, who.groups.data(), &count);
  }
  who.groups.resize(static_cast<size_t>(count));
  return who;
}

const Credentials& cached_postgres_account() {
  static const Credentials account = postgres_account();
  return account;
}

}  // namespace

SpawnOptions as_server_account(std::string output_file) {
  SpawnOptions options;
  options.output_file = std::move(output_file);
  options.working_dir = "/";
  if (running_as_root()) options.run_as = cached_postgres_account();
  return options;
}

void hand_to_server_account(const std::string& path) {
  if (!running_as_root()) return;
  const auto& account = cached_postgres_account();
  if (::chown(path.c_str(), account.uid, account.gid) != 0) {
    throw std::runtime_error("cannot chown " + path + " to postgres: " + std::strerror(errno));
  }
}

std::string make_scratch_dir(const std::string& prefix) {
  std::string path = "/tmp/" + prefix + ".XXXXXX";
  if (::mkdtemp(path.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + path + " failed: " + std::strerror(errno));
  }
  ::chmod(path.c_str(), 0755);
  return path;
}

void write_private_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);  // in case the file already existed with a wider mode
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) throw std::runtime_error("cannot write " + path);
}

}  // namespace pgvigil::testing
