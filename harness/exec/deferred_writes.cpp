#include "harness/exec/deferred_writes.h"

#include <exception>

namespace tb {

std::optional<std::string> DeferredWrites::attempt(const std::string& key, std::function<void()> write) {
  try {
    write();
    kept_.erase(key);
    return std::nullopt;
  } catch (const std::exception& e) {
    kept_[key] = std::move(write);
    return std::string(e.what());
  }
}

void DeferredWrites::retry() {
  for (auto it = kept_.begin(); it != kept_.end();) {
    try {
      it->second();
      it = kept_.erase(it);
    } catch (const std::exception&) {
      ++it;
    }
  }
}

std::vector<std::string> DeferredWrites::pending() const {
  std::vector<std::string> out;
  for (const auto& [key, write] : kept_) out.push_back(key);
  return out;
}

}  // namespace tb
