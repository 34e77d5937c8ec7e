// Ends every database wait that watches it, at once: on shutdown the daemon fires it so that
// threads in a connect or a query to a hung server return now instead of at their deadline.
// Thread-safe; must outlive the connections that use it. Once fired it stays fired.
#pragma once

namespace pgvigil::db {

class Interrupter {
 public:
  Interrupter();
  ~Interrupter();
  Interrupter(const Interrupter&) = delete;
  Interrupter& operator=(const Interrupter&) = delete;

  void fire();
  bool fired() const;
  int fd() const { return fd_; }  // readable once fired

 private:
  int fd_;
};

}  // namespace pgvigil::db
