// Variable scopes as @huggingface/jinja 0.5.13 keeps them (runtime.ts Environment): a
// lookup walks from the innermost scope outwards, `set` writes to the innermost scope (so
// a `set` inside a loop body stays in the loop, as in Jinja), and every scope carries its
// own `namespace` built-in. Scopes are shared so a macro can keep the one it was defined in.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>

#include "harness/text/jinja/value.h"

namespace tb::jinja {

class Environment : public std::enable_shared_from_this<Environment> {
 public:
  static std::shared_ptr<Environment> global() {
    return std::shared_ptr<Environment>(new Environment(nullptr));
  }
  // A new innermost scope inside `parent`.
  static std::shared_ptr<Environment> child_of(Environment& parent) {
    return std::shared_ptr<Environment>(new Environment(parent.shared_from_this()));
  }

  // The value of `name`, undefined when no scope declares it.
  Value lookup(const std::string& name) const;
  void set(const std::string& name, Value value) { variables_[name] = std::move(value); }
  // For the caller's own variables: false when `name` is taken (a global such as `range`).
  bool declare(const std::string& name, Value value);

 private:
  explicit Environment(std::shared_ptr<Environment> parent) : parent_(std::move(parent)) {}
  std::shared_ptr<Environment> parent_;
  std::unordered_map<std::string, Value> variables_;
};

}  // namespace tb::jinja
