#include <filesystem>
#include <iostream>

#include "harness/analysis/fit_request.h"
#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/report/fit_summary.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp =
    R"(usage: tunebench fit --law LAW (--data FILE.csv | --sweep NAME) --x VAR=SOURCE ... --y SOURCE [options]
       tunebench fit --list [--out DIR]

Fits a scaling law by the Chinchilla "Approach 3" procedure: Huber loss (delta 1e-3) on
log residuals, L-BFGS from a grid of starts, the best objective kept; bootstrap intervals.

  --law LAW            power_law, chinchilla, multiplicative, additive, forgetting, or a
                       formula such as "E + A*N^-alpha + B*D^-beta" (coefficients are fitted
                       positive; x^-e and x^e set the sign convention of an exponent)
  --data FILE.csv      points from a CSV file: SOURCE is a column, or columns and numbers
                       joined by * and / (e.g. "Training FLOP / 6 / Model Size")
  --sweep NAME         points from the finished runs of a sweep; SOURCE is one of
                       trainable_params, optimizer_state_bytes, wall_seconds, param:NAME
                       (param:training.steps, param:method.r), eval:SUITE/MODEL/METRIC
                       (eval:forgetting/delta/held_out_ce), metric:NAME (last value);
                       with param:step one point per evaluation during training
                       (evaluation.every): eval: sources read the one after that step
  --method NAME        with --sweep: only the runs of this method
  --by GROUP           fit the groups jointly: "method" with --sweep, a column with --data.
                       Prints each group's own fit, the fit with shared parameters (the
                       others per group), the extra-sum-of-squares F test of shared against
                       separate, and each shared parameter's difference between groups with
                       a bootstrap interval
  --shared P,...       with --by: the parameters common to all groups (default: every
                       exponent of the law)
  --x VAR=SOURCE       where each variable of the law comes from (repeat per variable)
  --y SOURCE           the fitted quantity (positive, e.g. a loss)
  --drop-highest K     drop the K points with the highest y before fitting
  --holdout-largest VAR  fit without the points where VAR is largest and report the
                       extrapolation error on them (mean |L^ - L|, as Zhang et al. 2024)
  --start PARAM=V,...  start values of one parameter (the log for coefficients); repeatable
  --delta D            Huber delta (default 1e-3)
  --bootstrap N        resamples of the points for intervals, at most 1000000 (default
                       4000, as Besiroglu et al.; 0: none)
  --seed S             bootstrap seed (default 0)
  --threads N          threads, at most 256 (default, or 0: all)
  --out DIR            the store: read by --sweep, and where the fit is recorded (default
                       results; a --data fit is recorded only when --out is given)
  --json               print the fit as JSON instead of markdown
  --list               print the fits recorded in the store
)";

// "a,b,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != ',') continue;
    out.push_back(text.substr(start, i - start));
    start = i + 1;
  }
  return out;
}

std::pair<std::string, std::string> split_assignment(const std::string& flag,
                                                     const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw UserError(flag + " " + text + ": expected NAME=VALUE");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

int list_fits(const std::string& out) {
  const auto store = open_existing_store(out);
  for (const auto& f : store->fits()) {
    const auto j = nlohmann::json::parse(f.result_json);
    std::cout << "fit " << f.id << "  " << f.created_at << "  " << terminal_safe(f.source) << "  "
              << f.points
              << " points\n  L = " << terminal_safe(j.at("fit").at("formula").get<std::string>())
              << "\n ";
    for (const auto& p : j.at("fit").at("parameters")) {
      std::cout << " " << terminal_safe(p.at("name").get<std::string>()) << "="
                << p.at("value").get<double>();
      if (p.contains("ci_low"))
        std::cout << " [" << p.at("ci_low").get<double>() << ", " << p.at("ci_high").get<double>()
                  << "]";
    }
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

int fit_command(const Args& args_in) {
  Args args = args_in;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results", value;
  const bool out_given = take_flag(args, "--out", out);
  if (take_switch(args, "--list")) {
    reject_unknown_flags(args, "fit");
    return list_fits(out);
  }
  FitRequest request;
  take_flag(args, "--law", request.law);
  take_flag(args, "--data", request.data);
  take_flag(args, "--sweep", request.sweep);
  take_flag(args, "--y", request.y);
  take_flag(args, "--holdout-largest", request.holdout_largest);
  take_flag(args, "--method", request.method);
  take_flag(args, "--by", request.by);
  if (take_flag(args, "--shared", value)) request.shared = split_list(value);
  while (take_flag(args, "--x", value)) {
    const auto [var, source] = split_assignment("--x", value);
    if (!request.x.emplace(var, source).second) throw UserError("--x " + var + " given twice");
  }
  FitOptions options;
  options.bootstrap = 4000;
  while (take_flag(args, "--start", value)) {
    const auto [param, list] = split_assignment("--start", value);
    std::vector<double> values;
    for (const auto& item : split_list(list)) values.push_back(parse_number("--start " + param + "=", item));
    options.start_values[param] = values;
  }
  if (take_flag(args, "--delta", value))
    options.huber_delta = parse_number("--delta", value, {.min = 0, .min_exclusive = true});
  if (take_flag(args, "--bootstrap", value))
    options.bootstrap = parse_count("--bootstrap", value, 0, kMaxResamples);
  if (take_flag(args, "--seed", value))
    options.seed = uint64_t(parse_count("--seed", value, 0, kMaxSeed));
  if (take_flag(args, "--threads", value))
    options.threads = int(parse_count("--threads", value, 0, kMaxThreads));
  if (take_flag(args, "--drop-highest", value))
    request.drop_highest = parse_count("--drop-highest", value, 0, kMaxDroppedPoints);
  const bool as_json = take_switch(args, "--json");
  reject_unknown_flags(args, "fit");
  if (!args.empty())
    throw UserError("unexpected argument \"" + args[0] + "\" (see tunebench fit --help)");
  if (request.law.empty()) throw UserError("--law is required (see tunebench fit --help)");
  if (request.data.empty() == request.sweep.empty()) {
    throw UserError("give exactly one of --data FILE.csv and --sweep NAME");
  }
  if (request.y.empty()) throw UserError("--y is required: the quantity the law predicts");
  check_fit_request(request);

  std::unique_ptr<Store> store;
  if (!request.sweep.empty())
    store = open_existing_store(out, StoreUse::kWrite);  // the fit is recorded there
  const FitOutcome outcome = run_fit_request(request, options, store.get());
  if (!store && out_given) {
    std::filesystem::create_directories(out);
    store = std::make_unique<Store>(std::filesystem::path(out) / "tunebench.sqlite");
  }
  int64_t id = 0;
  if (store) {
    id = store->record_fit(request.law, outcome.source, outcome.fit.points, outcome.fit.objective,
                           outcome.record.dump());
  }
  if (as_json) {
    std::cout << outcome.record.dump(2) << "\n";
  } else {
    std::cout << terminal_safe(fit_outcome_markdown(outcome), true);
    if (id > 0) std::cout << "\nrecorded as fit " << id << " in " << out << "\n";
  }
  return 0;
}

}  // namespace tb::cli
