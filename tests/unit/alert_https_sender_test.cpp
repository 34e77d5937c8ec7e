// HTTPS sinks: the sender verifies the receiver's certificate unless told otherwise, so a
// receiver with a certificate nobody trusts gets nothing.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "alerts/http_sender.h"

namespace pgvigil::alerts {
namespace {

using namespace std::chrono_literals;

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};

// A certificate for 127.0.0.1 that signs itself: valid in every way but trust.
std::pair<std::unique_ptr<X509, CertFree>, std::unique_ptr<EVP_PKEY, KeyFree>> self_signed() {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, CertFree> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  X509_sign(cert.get(), key.get(), EVP_sha256());
  return {std::move(cert), std::move(key)};
}

TEST(AlertHttpsSender, RefusesAReceiverWhoseCertificateIsNotTrusted) {
  auto [cert, key] = self_signed();
  ASSERT_TRUE(cert && key);
  httplib::SSLServer server(cert.get(), key.get());
  ASSERT_TRUE(server.is_valid());
  std::atomic<int> posts{0};
  server.Post(".*", [&](const httplib::Request&, httplib::Response& response) {
    ++posts;
    response.status = 200;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread listener([&] { server.listen_after_bind(); });
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!server.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);

  const SendResult result = post_json("https://127.0.0.1:" + std::to_string(port) + "/hook", "{}", {}, 2s);
  server.stop();
  listener.join();

  EXPECT_EQ(result.outcome, SendOutcome::retry);
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error.find("TLS"), std::string::npos) << result.error;
  EXPECT_EQ(posts.load(), 0);
}

}  // namespace
}  // namespace pgvigil::alerts
