// One function per subcommand; each parses its own arguments (after the subcommand
// name), prints --help, and returns the process exit code.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "harness/store/store_file.h"

namespace tb {
class Store;
struct RunRecord;
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
int tokenize_command(const Args& args);
int export_model_command(const Args& args);

// Runs `command` and turns what it throws into an exit code: UserError → a message and
// kUserErrorExitCode, anything else → a message and 1. Both executables' main use it.
int exit_code_of(const std::function<int()>& command);

// Replaces this process by tunebench-torch, the executable beside this one that holds the
// commands needing LibTorch (run, worker, spectrum), with the same arguments; returns only
// by throwing, when it cannot be started.
[[noreturn]] void exec_torch_commands(char** argv);

// Shared by the subcommands (cli_common.cpp). Flag parsing: "--name value" or "--name=value"; throws UserError if the value
// is missing. Removes the flag from `args`.
// The run whose key starts with `prefix`; UserError when none or several match.
const RunRecord& find_run(const std::vector<RunRecord>& runs, const std::string& prefix);

bool take_flag(Args& args, const std::string& name, std::string& value);
bool take_switch(Args& args, const std::string& name);
// Every value of a flag that may be given several times, in order.
std::vector<std::string> take_repeated_flag(Args& args, const std::string& name);
void reject_unknown_flags(const Args& args, const std::string& command);

// Numeric flag values are checked here, against a range, so that no command meets a
// value it cannot handle (a thread or resample count in the billions): UserError naming
// the flag and the allowed range otherwise.
struct NumberRange {
  double min = std::numeric_limits<double>::lowest();
  double max = std::numeric_limits<double>::max();
  bool min_exclusive = false;
};
// A finite number within `range` ("nan", "inf" and 1e999 are refused).
double parse_number(const std::string& flag, const std::string& text,
                    const NumberRange& range = {});
// A whole number in [min, max] ("4000", "4e3").
int64_t parse_count(const std::string& flag, const std::string& text, int64_t min, int64_t max);
// Upper limits of the commands' flags (a spec's "execution" and "fits" allow the same).
inline constexpr int64_t kMaxThreads = 256;
inline constexpr int64_t kMaxWorkers = 1024;
inline constexpr int64_t kMaxResamples = 1000000;  // bootstrap resamples, as a spec's fits allow
inline constexpr int64_t kMaxSeed = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kMaxDroppedPoints = 1000000;
inline constexpr int64_t kMaxSpectrumRank = 1000;  // as the spec's spectral.intruder_k

// The store of an output folder that a sweep has written; UserError if there is none, or
// saying what is wrong with the file there (unreadable, damaged, another program's).
// kRead opens a read-only store too; kWrite (commands that record) needs it writable.
std::unique_ptr<Store> open_existing_store(const std::string& out_dir,
                                           StoreUse use = StoreUse::kRead);
// A store given as an output folder or as the SQLite file itself, for reading; UserError
// when it is neither or is not a tunebench store.
std::unique_ptr<Store> open_store_at(const std::string& folder_or_file);

// The flags of the commands that read a store: --out DIR (default results), --sweep NAME.
struct StoreQuery {
  std::string out = "results";
  std::string sweep;
};
// Parses them; prints `help` and returns false for --help.
bool parse_store_query(Args args, const std::string& command, const char* help, StoreQuery& query);

}  // namespace tb::cli
