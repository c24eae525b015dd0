// Sparse fine-tuning with SpIEL (Ansell et al., "Scaling Sparse Fine-Tuning to Large
// Language Models", 2024), §3, the accumulated-gradient variant SpIEL-AG, as the
// reference code (AlanAnsell/peft, tuners/sft) runs it. Each target weight is
// W0 + scatter(η, φ) with k entries, η a random subset at the start and φ = 0.
// Budget (tuners/sft/model.py, inject_adapter): "num_tunable = int(density · all model
// parameters) (embeddings, head and norms counted), shared over the target matrices in
// proportion to their sizes": k = int(num_tunable · numel / Σ numel), truncated as the
// reference does (density_rule "model", the default); density_rule "per_matrix" gives
// each matrix k = floor(density · numel) instead. After update t (t counted from 1):
//  - gradients are accumulated from the start (updates 1..S) and from each update
//    t+1 with (t+1) % R == 0 on, S = accumulation_steps, R = reselection_steps;
//    the window's first dense gradient fixes the candidates C = top-k |dL/dW|, and
//    Σg and Σg² are summed on C over the window (n gradients);
//  - at t % R == S (t <= T) the reselection drops the int(k p) active entries of
//    smallest |φ| and grows the int(k p) candidates not kept that have the largest |Σg|;
//    an entry both dropped and grown stays as it was;
//  - schedule (tuners/sft/trainer.py, end_selection_phase), p0 = initial_reselection_rate
//    (0.2): "linear (the default): the first reselection uses p = 1, then
//    p = 0.2·(1 − t/T). Cosine: p = 0.2·(1+cos(πt/T))/2 from the first reselection on
//    (no p = 1 step)";
//  - a grown entry starts at φ = 0 with Adam moments m = (Σg/n)(1-β1^n),
//    v = (Σg²/n)(1-β2^n) and age n, so that per-entry bias correction makes them
//    the mean gradient and mean squared gradient (PerEntryAdamW).
// Dropped entries return to the pretrained value. The base weights are never written
// during training; merging adds φ at η.
// Choices: a budget that leaves a target matrix no entry is refused (the reference
// attaches an empty delta).
#include "methods/sparse.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "harness/train/optimizer_state.h"
#include "harness/train/trainer.h"
#include "methods/per_entry_adamw.h"
#include "methods/registry.h"
#include "methods/target_modules.h"

namespace tb {

std::map<std::string, int64_t> sparse_entries(double density, const std::string& rule,
                                              const std::vector<ProjectionInfo>& targets,
                                              int64_t total_parameters) {
  std::map<std::string, int64_t> k;
  if (rule == "per_matrix") {
    for (const auto& t : targets)
      k[t.name] = std::max<int64_t>(1, int64_t(std::floor(density * double(t.out * t.in))));
    return k;
  }
  int64_t target_entries = 0;
  for (const auto& t : targets) target_entries += t.out * t.in;
  const auto num_tunable = int64_t(double(total_parameters) * density);
  if (num_tunable > target_entries) {
    throw std::invalid_argument(
        "int(density x all " + std::to_string(total_parameters) +
        " model parameters) = " + std::to_string(num_tunable) + " trainable entries exceed the " +
        std::to_string(target_entries) +
        " entries of the target matrices; lower density, add target_modules, or set "
        "density_rule \"per_matrix\"");
  }
  for (const auto& t : targets) {
    // The exact floor, which Python's int(a * b / c) gives at these magnitudes; 128 bits
    // keep a * b exact for any model size.
    k[t.name] = int64_t(__int128(num_tunable) * (t.out * t.in) / target_entries);
    if (k[t.name] == 0) {
      throw std::invalid_argument("the " + std::to_string(num_tunable) +
                                  " trainable entries leave " + t.name +
                                  " none; raise density or drop it from target_modules");
    }
  }
  return k;
}

std::vector<torch::Tensor> SparseFineTuning::prepare(LlamaForCausalLM& model,
                                                     const MethodContext& context) {
  total_steps_ = context.total_steps;
  deltas_.clear();
  int64_t total_parameters = 0;  // counted before any delta is attached, as the reference
  for (const auto& p : model->parameters()) total_parameters += p.numel();
  const auto entries =
      sparse_entries(options_.density, options_.density_rule,
                     select_projections(options_.target_modules, model->config), total_parameters);
  auto params = attach_adapters(
      model, options_.target_modules, "sparse", [&](const std::string& name, AdaptedLinear& proj) {
        auto delta =
            std::make_shared<SparseDelta>(random_positions(proj->weight.numel(), entries.at(name)));
        delta->capture_dense_gradient = true;  // the first window starts with training
        deltas_.push_back(delta);
        return delta;
      });
  accumulators_.assign(deltas_.size(), {});
  const torch::Tensor first = deltas_.front()->indices;
  first_positions_.clear();
  for (int64_t i = 0; i < std::min<int64_t>(8, first.numel()); ++i) first_positions_.push_back(first[i].item<int64_t>());
  accumulated_ = 0;
  accumulating_ = true;
  reselections_ = 0;
  return params;
}

std::unique_ptr<torch::optim::Optimizer> SparseFineTuning::make_optimizer(
    const std::vector<torch::Tensor>& params, const TrainingOptions& o) {
  return std::make_unique<PerEntryAdamW>(params, adamw_options(o));
}

double SparseFineTuning::reselection_rate(int64_t t) const {
  const double progress = double(t) / double(std::max<int64_t>(total_steps_, 1));
  if (options_.schedule == "cosine") {  // no p = 1 step: the reference's cosine branch
    return options_.initial_reselection_rate * (1 + std::cos(std::numbers::pi * progress)) / 2;
  }
  if (t == options_.accumulation_steps) return 1.0;  // the first reselection
  return options_.initial_reselection_rate * (1 - progress);
}

void SparseFineTuning::after_step(int64_t step, torch::optim::Optimizer& optimizer) {
  const int64_t t = step + 1;  // updates done
  const int64_t R = options_.reselection_steps, S = options_.accumulation_steps;
  torch::NoGradGuard no_grad;
  if (accumulating_) {
    for (size_t i = 0; i < deltas_.size(); ++i) {
      const auto g = deltas_[i]->dense_gradient().reshape({-1});
      auto& acc = accumulators_[i];
      if (accumulated_ == 0) {
        acc.candidates = std::get<1>(g.abs().topk(deltas_[i]->values.size(0)));
        acc.sum = torch::zeros({acc.candidates.size(0)}, g.options());
        acc.sum_of_squares = torch::zeros({acc.candidates.size(0)}, g.options());
      }
      const auto gc = g.index_select(0, acc.candidates);
      acc.sum.add_(gc);
      acc.sum_of_squares.add_(gc * gc);
    }
    ++accumulated_;
  }
  if (accumulating_ && t % R == S) {
    if (t <= total_steps_) {
      const double rate = reselection_rate(t);
      for (size_t i = 0; i < deltas_.size(); ++i)
        reselect(*deltas_[i], accumulators_[i], rate, optimizer);
      ++reselections_;
    }
    accumulating_ = false;
    accumulated_ = 0;
  }
  if ((t + 1) % R == 0) accumulating_ = true;
  for (auto& d : deltas_) d->capture_dense_gradient = accumulating_;
}

void SparseFineTuning::reselect(SparseDelta& delta, const Accumulator& acc, double rate,
                                torch::optim::Optimizer& optimizer) {
  const int64_t k = delta.values.size(0);
  const int64_t change = std::min<int64_t>(k, int64_t(double(k) * rate));
  if (change == 0 || accumulated_ == 0) return;
  // Drop: the `change` active slots of smallest |φ|.
  const auto dropped_slots = std::get<1>(delta.values.abs().topk(change, 0, /*largest=*/false));
  auto is_kept = torch::ones({k}, delta.indices.options().dtype(torch::kBool));
  is_kept.index_put_({dropped_slots}, false);
  const auto kept = delta.indices.masked_select(is_kept);
  // Grow: the `change` candidates not kept with the largest |Σg|.
  const auto by_sum = std::get<1>(acc.sum.abs().sort(0, /*descending=*/true));
  const auto eligible =
      by_sum.masked_select(~torch::isin(acc.candidates.index_select(0, by_sum), kept));
  const auto grown =
      eligible.narrow(0, 0, std::min<int64_t>(change, eligible.size(0)));  // candidate slots
  const auto grown_positions = acc.candidates.index_select(0, grown);
  // An entry both dropped and grown stays as it was: only new positions move in, into
  // the dropped slots whose position was not grown again (in slot order).
  const auto incoming = grown.masked_select(~torch::isin(grown_positions, delta.indices));
  const auto free_slots =
      std::get<0>(dropped_slots
                      .masked_select(~torch::isin(delta.indices.index_select(0, dropped_slots),
                                                  grown_positions))
                      .sort());
  const int64_t moves = std::min(incoming.size(0), free_slots.size(0));
  if (moves == 0) return;
  const auto slots = free_slots.narrow(0, 0, moves);
  const auto from = incoming.narrow(0, 0, moves);
  auto* state = dynamic_cast<PerEntryAdamWState*>(adamw_state(optimizer, delta.values));
  TORCH_CHECK(state != nullptr, "sparse: reselection needs the per-entry AdamW state");
  const double n = double(accumulated_);
  const auto& o =
      static_cast<const torch::optim::AdamWOptions&>(optimizer.param_groups()[0].options());
  const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
  delta.indices.index_put_({slots}, acc.candidates.index_select(0, from));
  delta.values.index_put_({slots}, torch::zeros({moves}, delta.values.options()));
  state->exp_avg().index_put_({slots},
                              acc.sum.index_select(0, from) / n * (1 - std::pow(beta1, n)));
  state->exp_avg_sq().index_put_(
      {slots}, acc.sum_of_squares.index_select(0, from) / n * (1 - std::pow(beta2, n)));
  state->age.index_put_({slots}, torch::full({moves}, n, state->age.options()));
}

void SparseFineTuning::save_state(std::map<std::string, torch::Tensor>& tensors, nlohmann::json& values) const {
  values = {{"accumulated", accumulated_}, {"accumulating", accumulating_}, {"reselections", reselections_}};
  for (size_t i = 0; i < accumulators_.size(); ++i) {
    const auto& a = accumulators_[i];
    if (!a.candidates.defined()) continue;
    const std::string prefix = std::to_string(i) + ".";
    tensors[prefix + "candidates"] = a.candidates;
    tensors[prefix + "sum"] = a.sum;
    tensors[prefix + "sum_of_squares"] = a.sum_of_squares;
  }
}

void SparseFineTuning::load_state(const std::map<std::string, torch::Tensor>& tensors, const nlohmann::json& values) {
  accumulated_ = values.at("accumulated").get<int64_t>();
  accumulating_ = values.at("accumulating").get<bool>();
  reselections_ = values.at("reselections").get<int64_t>();
  for (size_t i = 0; i < accumulators_.size(); ++i) {
    const std::string prefix = std::to_string(i) + ".";
    if (!tensors.count(prefix + "candidates")) continue;
    accumulators_[i] = {tensors.at(prefix + "candidates").clone(), tensors.at(prefix + "sum").clone(),
                        tensors.at(prefix + "sum_of_squares").clone()};
  }
}

MethodInfo sparse_info() {
  return {"sparse",
          "SpIEL sparse fine-tuning (Ansell et al. 2024): a fixed-density delta, dropped and "
          "regrown by accumulated gradient",
          {
              {.name = "density",
               .type = FieldType::kNumber,
               .default_value = 0.01,
               .min = 0,
               .min_exclusive = true,
               .max = 1,
               .sweepable = true,
               .help = "trainable fraction, in (0, 1]: of all model parameters, shared over the "
                       "target matrices by size (density_rule model), or of each target matrix "
                       "(per_matrix)"},
              {.name = "density_rule",
               .type = FieldType::kString,
               .default_value = "model",
               .choices = {"model", "per_matrix"},
               .sweepable = true,
               .help = "model: int(density x all model parameters) entries shared by size (the "
                       "reference's); per_matrix: floor(density x numel) in each target matrix"},
              {.name = "target_modules",
               .type = FieldType::kStringList,
               .default_value = nlohmann::json(kProjectionLeaves),
               .sweepable = true,
               .help = kTargetModulesHelp},
              {.name = "reselection_steps",
               .type = FieldType::kInt,
               .default_value = 20,
               .min = 2,
               .max = kMaxSteps,
               .sweepable = true},
              {.name = "accumulation_steps",
               .type = FieldType::kInt,
               .default_value = 5,
               .min = 1,
               .max = kMaxSteps,
               .help = "gradients accumulated before each reselection; below reselection_steps"},
              {.name = "initial_reselection_rate",
               .type = FieldType::kNumber,
               .default_value = 0.2,
               .min = 0,
               .min_exclusive = true,
               .max = 1,
               .sweepable = true},
              {.name = "schedule",
               .type = FieldType::kString,
               .default_value = "linear",
               .choices = {"linear", "cosine"}},
          },
          [](const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
            const auto targets = check_target_modules(hp, model, where);
            try {
              sparse_entries(hp.at("density").get<double>(),
                             hp.at("density_rule").get<std::string>(), targets,
                             parameter_count(model));
            } catch (const std::invalid_argument& e) {
              where.key("density").fail(e.what());
            }
            if (hp.at("accumulation_steps").get<int64_t>() >=
                hp.at("reselection_steps").get<int64_t>()) {
              where.key("accumulation_steps")
                  .fail("must be below reselection_steps (" +
                        std::to_string(hp.at("reselection_steps").get<int64_t>()) + ")");
            }
          },
          [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
            SparseOptions o;
            o.density = hp.at("density").get<double>();
            o.density_rule = hp.at("density_rule").get<std::string>();
            o.target_modules = hp.at("target_modules").get<std::vector<std::string>>();
            o.reselection_steps = hp.at("reselection_steps").get<int64_t>();
            o.accumulation_steps = hp.at("accumulation_steps").get<int64_t>();
            o.initial_reselection_rate = hp.at("initial_reselection_rate").get<double>();
            o.schedule = hp.at("schedule").get<std::string>();
            return std::make_unique<SparseFineTuning>(o);
          }};
}

}  // namespace tb
