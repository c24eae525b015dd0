// Runs a program (no shell) to its end and returns its exit code and what it printed
// (stdout and stderr together), for the scheduler's command-line tools.
#pragma once
#include <string>
#include <vector>

namespace tb {

struct CommandOutput {
  int exit_code = -1;  // -1: it could not be started, or died by a signal
  std::string text;
};

// `program` is looked up on PATH. Never throws: a missing program is exit_code -1 with the
// reason in `text`.
CommandOutput run_command(const std::string& program, const std::vector<std::string>& args);

}  // namespace tb
