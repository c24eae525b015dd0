#include <torch/torch.h>

#include <filesystem>
#include <iostream>
#include <map>

#include "harness/analysis/spectral.h"
#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/exec/run_dir.h"
#include "harness/model/model_io.h"
#include "harness/report/fit_summary.h"
#include "harness/store/store.h"
#include "harness/train/base_model_source.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench spectrum RUN [RUN2] [--out DIR] [--epsilon E] [--rank R]
       tunebench spectrum --sweep NAME [--out DIR] [--epsilon E]

Spectral analysis of the weight matrices a run changed, compared with the base model
(computed by the worker after training; see harness/analysis/spectral.h):
intruder dimensions, effective rank, stable rank, spectral norm, the power-law exponent
alpha of the eigenvalue spectrum and alpha-hat, and norms and ranks of the update W - W0.

  RUN           a run key or a unique prefix of one (see `tunebench runs`)
  RUN2          compare with a second run: both runs' metrics per matrix, and the
                similarity of their updates' top-R singular subspaces (phi in [0, 1],
                Hu et al. 2021), read from the runs' saved models
  --sweep NAME  one row per method variant of a sweep, means over seeds
  --epsilon E   count intruders at this threshold instead of the run's (from the stored
                similarities of the top-k singular vectors)
  --rank R      subspace rank for RUN2 comparisons, 1 to 1000 (default 8)
  --out DIR     output folder of the sweep (default: results)
)";

// metric -> value for each matrix, matrices in stored order.
using MatrixMetrics = std::vector<std::pair<std::string, std::map<std::string, double>>>;

MatrixMetrics by_matrix(const std::vector<SpectrumValue>& values) {
  MatrixMetrics out;
  for (const auto& v : values) {
    if (out.empty() || out.back().first != v.matrix) out.push_back({v.matrix, {}});
    out.back().second[v.metric] = v.value;
  }
  return out;
}

double metric_or_nan(const std::map<std::string, double>& m, const std::string& name) {
  const auto it = m.find(name);
  return it == m.end() ? NAN : it->second;
}

// The stored count, or a recount at `epsilon` from the stored top-k similarities.
double intruders(const std::map<std::string, double>& m, double epsilon) {
  if (epsilon <= 0) return metric_or_nan(m, "intruders");
  double n = 0;
  for (const auto& [name, v] : m) {
    if (name.rfind("intruder_similarity@", 0) == 0 && v < epsilon) ++n;
  }
  return n;
}

std::string num(double v) { return significant(v, 3); }

std::string pair_text(double a, double b) { return num(a) + " → " + num(b); }

void print_run(Store& store, const RunRecord& run, double epsilon) {
  const auto matrices = by_matrix(store.spectra(run.key));
  std::cout << "## run " << terminal_safe(run.key) << ": " << terminal_safe(run.variant)
            << " seed=" << run.seed << "\n\n";
  if (matrices.empty()) {
    std::cout
        << "no spectra recorded (the run is not done, or its spectral analysis was disabled)\n\n";
    return;
  }
  std::cout << "| matrix | intruders | erank | stable rank | σ_max | α | α̂ | ‖ΔW‖₂ | erank(ΔW) | "
               "rank(ΔW) |\n"
               "|---|---|---|---|---|---|---|---|---|---|\n";
  double total = 0;
  for (const auto& [name, m] : matrices) {
    const double n = intruders(m, epsilon);
    total += n;
    std::cout << "| " << name << " | " << num(n) << " | "
              << pair_text(metric_or_nan(m, "base_erank"), metric_or_nan(m, "erank")) << " | "
              << pair_text(metric_or_nan(m, "base_stable_rank"), metric_or_nan(m, "stable_rank"))
              << " | "
              << pair_text(metric_or_nan(m, "base_sigma_max"),
                           metric_or_nan(m, "sigma_max"))
              << " | " << pair_text(metric_or_nan(m, "base_alpha"), metric_or_nan(m, "alpha"))
              << " | "
              << pair_text(metric_or_nan(m, "base_alpha_hat"), metric_or_nan(m, "alpha_hat"))
              << " | " << num(metric_or_nan(m, "update_sigma_max")) << " | "
              << num(metric_or_nan(m, "update_erank")) << " | "
              << num(metric_or_nan(m, "update_rank")) << " |\n";
  }
  std::cout << "\n"
            << matrices.size() << " matrices changed; " << total << " intruder dimensions in total"
            << (epsilon > 0 ? " (ε = " + num(epsilon) + ")" : "") << "\n\n";
}

std::vector<std::pair<std::string, torch::Tensor>> weights_of(LlamaForCausalLM model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : model->named_parameters()) out.emplace_back(p.key(), p.value());
  return out;
}

void compare_runs(Store& store, const std::string& out_dir, const RunRecord& a, const RunRecord& b,
                  double epsilon, int64_t rank) {
  print_run(store, a, epsilon);
  print_run(store, b, epsilon);
  const auto ma = by_matrix(store.spectra(a.key));
  std::map<std::string, std::map<std::string, double>> mb;
  for (const auto& [name, m] : by_matrix(store.spectra(b.key))) mb[name] = m;

  std::map<std::string, UpdateComparison> similarity;
  const auto model_a = run_files::model(std::filesystem::path(out_dir) / "runs" / a.key);
  const auto model_b = run_files::model(std::filesystem::path(out_dir) / "runs" / b.key);
  const auto config = nlohmann::json::parse(a.config_json);
  const auto models_dir = std::filesystem::path(out_dir) / "models";
  const bool same_base =
      nlohmann::json::parse(b.config_json).at("base_model") == config.at("base_model");
  if (same_base && std::filesystem::exists(model_a) && std::filesystem::exists(model_b) &&
      base_model_ready(models_dir, config.at("base_model"))) {
    for (auto& c : compare_updates(weights_of(load_base_model(models_dir, config.at("base_model"))),
                                   weights_of(load_model(model_a)), weights_of(load_model(model_b)), rank)) {
      similarity[c.matrix] = c;
    }
  } else {
    std::cout << "(no subspace similarity: "
              << (same_base ? "a saved model is missing" : "the runs have different base models")
              << ")\n\n";
  }
  std::cout << "## " << terminal_safe(a.variant) << " vs " << terminal_safe(b.variant) << "\n\n"
            << "| matrix | intruders | erank(ΔW) | α | φ left, top " << rank << " | φ right, top "
            << rank << " |\n"
            << "|---|---|---|---|---|---|\n";
  for (const auto& [name, m] : ma) {
    const auto other = mb.find(name);
    if (other == mb.end()) continue;
    const auto s = similarity.find(name);
    std::cout << "| " << name << " | " << num(intruders(m, epsilon)) << " / "
              << num(intruders(other->second, epsilon)) << " | "
              << num(metric_or_nan(m, "update_erank")) << " / "
              << num(metric_or_nan(other->second, "update_erank")) << " | "
              << num(metric_or_nan(m, "alpha")) << " / "
              << num(metric_or_nan(other->second, "alpha")) << " | "
              << (s == similarity.end() ? "-" : num(s->second.left.phi)) << " | "
              << (s == similarity.end() ? "-" : num(s->second.right.phi)) << " |\n";
  }
  std::cout << "\n";
}

void print_sweep(Store& store, const std::string& sweep, double epsilon) {
  struct Sums {
    double runs = 0, matrices = 0, intruders = 0, update_erank = 0, update_rank = 0,
           alpha_shift = 0, alpha_n = 0;
  };
  std::vector<std::pair<std::string, Sums>> rows;
  for (const auto& run : store.runs(sweep)) {
    if (run.status != "done") continue;
    // One matrix set for every method (see compared_spectra.h): the projections; an
    // unchanged projection has no intruder, so totals compare like with like.
    auto matrices = by_matrix(store.spectra(run.key));
    std::erase_if(matrices, [](const auto& m) { return m.first.find("_proj.") == std::string::npos; });
    if (matrices.empty()) continue;
    auto it = std::find_if(rows.begin(), rows.end(),
                           [&](const auto& r) { return r.first == run.variant; });
    if (it == rows.end()) it = rows.insert(rows.end(), {run.variant, Sums{}});
    Sums& s = it->second;
    s.runs += 1;
    for (const auto& [name, m] : matrices) {
      s.matrices += 1;
      s.intruders += intruders(m, epsilon);
      s.update_erank += metric_or_nan(m, "update_erank");
      s.update_rank += metric_or_nan(m, "update_rank");
      const double shift = metric_or_nan(m, "alpha") - metric_or_nan(m, "base_alpha");
      if (std::isfinite(shift)) s.alpha_shift += shift, s.alpha_n += 1;
    }
  }
  if (rows.empty()) throw UserError("sweep \"" + sweep + "\" has no finished runs with spectra");
  std::cout << "## spectra: " << terminal_safe(sweep)
            << (epsilon > 0 ? " (ε = " + num(epsilon) + ")" : "") << "\n\n"
            << "| method | runs | projections changed | intruders (total over projections) | intruders per changed projection | "
               "erank(ΔW) | rank(ΔW) | α shift |\n"
            << "|---|---|---|---|---|---|---|---|\n";
  for (const auto& [variant, s] : rows) {
    std::cout << "| " << terminal_safe(variant) << " | " << s.runs << " | "
              << num(s.matrices / s.runs) << " | " << num(s.intruders / s.runs) << " | "
              << num(s.intruders / s.matrices) << " | " << num(s.update_erank / s.matrices) << " | "
              << num(s.update_rank / s.matrices) << " | "
              << (s.alpha_n > 0 ? num(s.alpha_shift / s.alpha_n) : "-") << " |\n";
  }
  std::cout << "\nMeans over seeds, over the projection matrices (q/k/v/o/gate/up/down_proj) only, the same "
               "set for every method; per-matrix columns average over the changed ones; α shift is tuned α - "
               "base α.\n";
}

}  // namespace

int spectrum_command(const Args& args_in) {
  Args args = args_in;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results", sweep, value;
  take_flag(args, "--out", out);
  take_flag(args, "--sweep", sweep);
  double epsilon = 0;
  if (take_flag(args, "--epsilon", value))
    epsilon = parse_number("--epsilon", value, {.min = 0, .max = 1, .min_exclusive = true});
  int64_t rank = 8;
  if (take_flag(args, "--rank", value)) rank = parse_count("--rank", value, 1, kMaxSpectrumRank);
  reject_unknown_flags(args, "spectrum");
  if (sweep.empty() == args.empty() || args.size() > 2) {
    throw UserError("give one or two run keys, or --sweep NAME (see tunebench spectrum --help)");
  }
  const auto store = open_existing_store(out);
  if (!sweep.empty()) {
    print_sweep(*store, sweep, epsilon);
    return 0;
  }
  torch::set_num_threads(1);
  const auto runs = store->runs();
  const RunRecord& a = find_run(runs, args[0]);
  if (args.size() == 1) {
    print_run(*store, a, epsilon);
  } else {
    compare_runs(*store, out, a, find_run(runs, args[1]), epsilon, rank);
  }
  return 0;
}

}  // namespace tb::cli
