#include <filesystem>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/store/store.h"

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

std::vector<std::string> take_repeated_flag(Args& args, const std::string& name) {
  std::vector<std::string> values;
  std::string value;
  while (take_flag(args, name, value)) values.push_back(value);
  return values;
}

void reject_unknown_flags(const Args& args, const std::string& command) {
  for (const auto& a : args) {
    if (a.rfind("--", 0) == 0) throw UserError("unknown option " + a + " for `tunebench " + command + "` (see --help)");
  }
}

double parse_number(const std::string& flag, const std::string& text) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw UserError(flag + " " + text + ": expected a number");
}

int64_t parse_count(const std::string& flag, const std::string& text) {
  const double v = parse_number(flag, text);
  if (v < 0 || v != double(int64_t(v))) throw UserError(flag + " " + text + ": expected a whole number >= 0");
  return int64_t(v);
}

bool parse_store_query(Args args, const std::string& command, const char* help, StoreQuery& query) {
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << help;
    return false;
  }
  take_flag(args, "--out", query.out);
  take_flag(args, "--sweep", query.sweep);
  reject_unknown_flags(args, command);
  if (!args.empty()) {
    throw UserError("unexpected argument \"" + args[0] + "\" (see tunebench " + command + " --help)");
  }
  return true;
}

std::unique_ptr<Store> open_existing_store(const std::string& out_dir) {
  const auto db = std::filesystem::path(out_dir) / "tunebench.sqlite";
  if (!std::filesystem::exists(db)) {
    throw UserError(db.string() + ": no store here; run `tunebench run SPEC` first or pass --out");
  }
  return open_store_at(db.string());
}

std::unique_ptr<Store> open_store_at(const std::string& folder_or_file) {
  std::filesystem::path db = folder_or_file;
  if (std::filesystem::is_directory(db)) db /= "tunebench.sqlite";
  if (!std::filesystem::is_regular_file(db)) {
    throw UserError(db.string() + ": no tunebench store here (expected an output folder or its tunebench.sqlite)");
  }
  if (!Store::is_store(db)) throw UserError(db.string() + ": not a tunebench store (no sweeps, runs and evals tables)");
  return std::make_unique<Store>(db);
}

}  // namespace tb::cli
