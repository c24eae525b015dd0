// Scopes (see environment.h).
#include "harness/text/jinja/environment.h"

#include "harness/text/jinja/globals.h"

namespace tb::jinja {

Value Environment::lookup(const std::string& name) const {
  for (const Environment* scope = this; scope != nullptr; scope = scope->parent_.get()) {
    const auto it = scope->variables_.find(name);
    if (it != scope->variables_.end()) return it->second;
    if (name == "namespace") return namespace_function();  // every scope has its own
  }
  return Value();
}

bool Environment::declare(const std::string& name, Value value) {
  if (name == "namespace" || variables_.count(name) > 0) return false;
  variables_[name] = std::move(value);
  return true;
}

}  // namespace tb::jinja
