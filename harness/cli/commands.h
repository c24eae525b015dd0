// One function per subcommand; each parses its own arguments (after the subcommand
// name), prints --help, and returns the process exit code.
#pragma once
#include <string>
#include <vector>

namespace tb::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args);
int runs_command(const Args& args);
int report_command(const Args& args);
int worker_command(const Args& args);

// Shared flag parsing: "--name value" or "--name=value"; throws UserError if the value
// is missing. Removes the flag from `args`.
bool take_flag(Args& args, const std::string& name, std::string& value);
bool take_switch(Args& args, const std::string& name);
void reject_unknown_flags(const Args& args, const std::string& command);

}  // namespace tb::cli
