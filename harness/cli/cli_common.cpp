#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <sstream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/store/store.h"

namespace tb::cli {

const RunRecord& find_run(const std::vector<RunRecord>& runs, const std::string& prefix) {
  const RunRecord* found = nullptr;
  for (const auto& r : runs) {
    if (r.key.rfind(prefix, 0) != 0) continue;
    if (found != nullptr)
      throw UserError("run \"" + prefix + "\" is ambiguous: " + found->key + " and " + r.key + " match");
    found = &r;
  }
  if (found == nullptr) throw UserError("no run \"" + prefix + "\" in the store (see `tunebench runs`)");
  return *found;
}

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

namespace {

std::string number_text(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

// The whole of `text` as a finite decimal number ("1e4", "-0.5"), or NaN. No leading
// spaces, no hexadecimal, no "inf".
double finite_number(const std::string& text) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '+' ||
                        text[0] == '-' || text[0] == '.')) {
    return NAN;
  }
  double v = NAN;
  try {
    size_t used = 0;
    v = std::stod(text, &used);
    if (used != text.size() || text.find_first_of("xX") != std::string::npos) v = NAN;
  } catch (const std::exception&) {  // not a number, or beyond the range of a double
  }
  return std::isfinite(v) ? v : NAN;
}

}  // namespace

double parse_number(const std::string& flag, const std::string& text, const NumberRange& range) {
  const double v = finite_number(text);
  const bool below = range.min_exclusive ? !(v > range.min) : !(v >= range.min);
  if (std::isnan(v) || below || !(v <= range.max)) {
    std::string expected = "a finite number";
    if (range.min > std::numeric_limits<double>::lowest())
      expected =
          std::string("a number ") + (range.min_exclusive ? "> " : ">= ") + number_text(range.min);
    if (range.max < std::numeric_limits<double>::max())
      expected += (range.min > std::numeric_limits<double>::lowest() ? " and <= " : " <= ") +
                  number_text(range.max);
    throw UserError(flag + " " + text + ": expected " + expected);
  }
  return v;
}

int64_t parse_count(const std::string& flag, const std::string& text, int64_t min, int64_t max) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, v);
  bool ok = error == std::errc() && stop == end;
  if (!ok) {  // "1e4" and "4000.0" are whole numbers too
    const double d = finite_number(text);
    // Compared as doubles before the conversion, which is undefined outside [-2^63, 2^63);
    // double(max) may round up to 2^63.
    ok = std::floor(d) == d && d >= double(min) && d <= double(max) && d >= -0x1p63 && d < 0x1p63;
    if (ok) v = int64_t(d);
  }
  if (!ok || v < min || v > max) {
    throw UserError(flag + " " + text + ": expected a whole number from " + std::to_string(min) +
                    " to " + std::to_string(max));
  }
  return v;
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

std::unique_ptr<Store> open_existing_store(const std::string& out_dir, StoreUse use) {
  const auto db = std::filesystem::path(out_dir) / "tunebench.sqlite";
  std::error_code ec;
  if (std::filesystem::status(db, ec).type() == std::filesystem::file_type::not_found) {
    throw UserError(db.string() + ": no store here; run `tunebench run SPEC` first or pass --out");
  }
  return std::make_unique<Store>(db, use);  // says what is wrong with anything else there
}

std::unique_ptr<Store> open_store_at(const std::string& folder_or_file) {
  std::filesystem::path db = folder_or_file;
  if (std::filesystem::is_directory(db)) db /= "tunebench.sqlite";
  if (!std::filesystem::exists(db)) {
    throw UserError(db.string() + ": no tunebench store here (expected an output folder or its tunebench.sqlite)");
  }
  return std::make_unique<Store>(db, StoreUse::kRead);
}

}  // namespace tb::cli
