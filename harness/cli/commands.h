// One function per subcommand; each parses its own arguments (after the subcommand
// name), prints --help, and returns the process exit code.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace tb {
class Store;
}

namespace tb::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args);
int runs_command(const Args& args);
int report_command(const Args& args);
int worker_command(const Args& args);
int spectrum_command(const Args& args);
int fit_command(const Args& args);
int status_command(const Args& args);
int compare_command(const Args& args);
int regress_command(const Args& args);
int export_command(const Args& args);

// Shared by the subcommands (cli_common.cpp). Flag parsing: "--name value" or "--name=value"; throws UserError if the value
// is missing. Removes the flag from `args`.
bool take_flag(Args& args, const std::string& name, std::string& value);
bool take_switch(Args& args, const std::string& name);
// Every value of a flag that may be given several times, in order.
std::vector<std::string> take_repeated_flag(Args& args, const std::string& name);
void reject_unknown_flags(const Args& args, const std::string& command);

// A flag's value as a number / a whole number >= 0; UserError naming the flag otherwise.
double parse_number(const std::string& flag, const std::string& text);
int64_t parse_count(const std::string& flag, const std::string& text);

// The store of an output folder that a sweep has written; UserError if there is none.
std::unique_ptr<Store> open_existing_store(const std::string& out_dir);
// A store given as an output folder or as the SQLite file itself; UserError when it is
// neither or is not a tunebench store.
std::unique_ptr<Store> open_store_at(const std::string& folder_or_file);

// The flags of the commands that read a store: --out DIR (default results), --sweep NAME.
struct StoreQuery {
  std::string out = "results";
  std::string sweep;
};
// Parses them; prints `help` and returns false for --help.
bool parse_store_query(Args args, const std::string& command, const char* help, StoreQuery& query);

}  // namespace tb::cli
