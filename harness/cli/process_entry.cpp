// What both executables' main do around a command: exit codes for what it throws, and the
// hand-over from tunebench to tunebench-torch for the commands that need LibTorch.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"

namespace tb::cli {

int exit_code_of(const std::function<int()>& command) {
  try {
    return command();
  } catch (const UserError& e) {
    std::cerr << "tunebench: error: " << terminal_safe(e.what(), true) << std::endl;
    return kUserErrorExitCode;
  } catch (const std::exception& e) {
    std::cerr << "tunebench: " << terminal_safe(e.what(), true) << std::endl;
    return 1;
  }
}

void exec_torch_commands(char** argv) {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  const auto torch_half =
      (error ? std::filesystem::path(argv[0]) : self).parent_path() / "tunebench-torch";
  const std::string path = torch_half.string();
  argv[0] = const_cast<char*>(path.c_str());
  ::execv(path.c_str(), argv);
  throw std::runtime_error("cannot start " + path + " (" + std::strerror(errno) +
                           "); it is built beside tunebench by tools/build.sh");
}

}  // namespace tb::cli
