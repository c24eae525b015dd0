// Store writes that failed (a full disk, a store locked for too long) kept to try again, so
// that a run's real end reaches the store as soon as the store can take it, instead of the
// run staying "running" until a later sweep guesses why it stopped.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tb {

class DeferredWrites {
 public:
  // Runs `write`; if it throws, keeps it under `key` (replacing what was kept there) and
  // returns the error's message.
  std::optional<std::string> attempt(const std::string& key, std::function<void()> write);
  // Tries every kept write again, in key order; those that succeed are dropped.
  void retry();
  // Keys whose write has not succeeded yet.
  std::vector<std::string> pending() const;

 private:
  std::map<std::string, std::function<void()>> kept_;
};

}  // namespace tb
