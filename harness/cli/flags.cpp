#include "harness/common/check.h"
#include "harness/cli/commands.h"

namespace tb::cli {

bool take_flag(Args& args, const std::string& name, std::string& value) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      if (i + 1 >= args.size()) throw UserError(name + " needs a value");
      value = args[i + 1];
      args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
      return true;
    }
    if (args[i].rfind(name + "=", 0) == 0) {
      value = args[i].substr(name.size() + 1);
      args.erase(args.begin() + long(i));
      return true;
    }
  }
  return false;
}

bool take_switch(Args& args, const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      args.erase(args.begin() + long(i));
      return true;
    }
  }
  return false;
}

void reject_unknown_flags(const Args& args, const std::string& command) {
  for (const auto& a : args) {
    if (a.rfind("--", 0) == 0) throw UserError("unknown option " + a + " for `tunebench " + command + "` (see --help)");
  }
}

}  // namespace tb::cli
