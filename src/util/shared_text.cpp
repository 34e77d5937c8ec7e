#include "util/shared_text.h"

#include <mutex>
#include <unordered_map>

namespace pgvigil {
namespace {

class TextTable {
 public:
  SharedText share(std::string_view text) {
    std::lock_guard lock(mutex_);
    if (auto it = texts_.find(text); it != texts_.end()) {
      if (auto held = it->second.lock()) return held;
      texts_.erase(it);  // its last holder is letting go right now; its deleter will find nothing
    }
    // The key views the text it maps to, so it stays valid exactly as long as the entry is live.
    SharedText made(new std::string(text), [this](const std::string* gone) { forget(gone); });
    texts_.emplace(std::string_view(*made), made);
    return made;
  }

  std::size_t size() {
    std::lock_guard lock(mutex_);
    return texts_.size();
  }

 private:
  void forget(const std::string* gone) {
    {
      std::lock_guard lock(mutex_);
      // Only the entry that views this very string: a new copy of the same text may have
      // replaced it meanwhile.
      if (auto it = texts_.find(std::string_view(*gone)); it != texts_.end() && it->first.data() == gone->data()) {
        texts_.erase(it);
      }
    }
    delete gone;
  }

  std::mutex mutex_;
  std::unordered_map<std::string_view, std::weak_ptr<const std::string>> texts_;
};

TextTable& table() {
  static auto* instance = new TextTable;  // never destroyed: texts may be let go during exit
  return *instance;
}

}  // namespace

SharedText share_text(std::string_view text) { return table().share(text); }

std::size_t shared_text_count() { return table().size(); }

}  // namespace pgvigil
