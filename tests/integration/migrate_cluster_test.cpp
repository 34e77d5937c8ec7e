// `pgvigil migrate --config F --cluster C`: the members are tried in order and the first one
// that is not in recovery is migrated; the member's password_file supplies the password, which
// no output shows.
#include "migrate_fixture.h"

namespace pgvigil::acceptance {
namespace {

class MigrateCluster : public MigrateDb {
 protected:
  std::string member_yaml(const std::string& name, int member) const {
    return "      - name: " + name + "\n        conninfo: \"host=127.0.0.1 port=" +
           std::to_string(cluster_->port(member)) + " dbname=" + db_ + " user=pgvigil\"\n        password_file: " +
           cluster_->password_file() + "\n";
  }
  std::string write_config(const std::string& members) const {
    return dir_.write("pgvigil.yaml", "clusters:\n  - name: main\n    members:\n" + members);
  }
  SplitOutput migrate_cluster(const std::string& config, const std::vector<std::string>& args) const {
    std::vector<std::string> argv{PGVIGIL_BINARY, "migrate"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--config", config, "--dir", migrations()});
    return run_split(dir_, "cluster" + std::to_string(++runs_), argv, kCommandLimit);
  }
};

TEST_F(MigrateCluster, FindsThePrimaryBehindAReplicaListedFirst) {
  write("0001_users.up.sql", "CREATE TABLE users (id int);\n");
  const std::string config = write_config(member_yaml("replica", testing::PgCluster::kReplica) +
                                          member_yaml("primary", testing::PgCluster::kPrimary));
  const auto up = migrate_cluster(config, {"up", "--cluster", "main"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_TRUE(contains(up.err, "skipped replica")) << up.err;
  EXPECT_TRUE(contains(up.out, "applied 0001_users.up.sql")) << up.out;
  EXPECT_EQ(history(), (Lines{"1:applied"}));
  EXPECT_EQ(value("SELECT tableowner FROM pg_tables WHERE tablename = 'users'"), "pgvigil")
      << "migrated as the config's user, with the password from its password_file";
  EXPECT_FALSE(contains(up.out + up.err, cluster_->password()));

  // With a single cluster in the file, --cluster may be left out.
  const auto verify = migrate_cluster(config, {"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(MigrateCluster, NoPrimaryOrNoSuchClusterIsAnErrorWithItsOwnCode) {
  write("0001_users.up.sql", "CREATE TABLE users (id int);\n");
  const std::string replica_only = write_config(member_yaml("replica", testing::PgCluster::kReplica));
  const auto none = migrate_cluster(replica_only, {"up", "--cluster", "main"});
  EXPECT_EQ(none.exit_code, 69) << none.out << none.err;
  EXPECT_TRUE(contains(none.err, "no reachable member is a primary")) << none.err;

  const auto unknown = migrate_cluster(replica_only, {"status", "--cluster", "elsewhere"});
  EXPECT_EQ(unknown.exit_code, 78) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "no cluster 'elsewhere'")) << unknown.err;

  const std::string broken = dir_.write("broken.yaml", "clusters: [ {\n");
  EXPECT_EQ(migrate_cluster(broken, {"status"}).exit_code, 78);
}

}  // namespace
}  // namespace pgvigil::acceptance
