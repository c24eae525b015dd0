// LoRA (Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", ICLR 2022),
// eq. (3): h = W0 x + ΔW x = W0 x + B A x, with the update scaled by alpha / r (§4.1).
// rsLoRA (Kalajdzievski, "A Rank Stabilization Scaling Factor for Fine-Tuning with
// LoRA", 2023, Theorem 3.2) scales by alpha / sqrt(r) instead.
// As in PEFT's LoraLayer: A ~ kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)),
// or with init "gaussian" A ~ N(0, 1/r); B = 0, so the tuned model starts exactly at the
// base model; dropout acts on the adapter's input only. Merging sets W = W0 + s B A.
#include "methods/lora.h"

#include <cmath>
#include <set>

#include "methods/registry.h"
#include "methods/target_modules.h"

namespace tb {

double lora_scale(double alpha, int64_t rank, bool use_rslora) {
  return use_rslora ? alpha / std::sqrt(double(rank)) : alpha / double(rank);
}

namespace {

// PEFT's lora_alpha for a module of rank r and scale s.
double peft_alpha(double scale, int64_t rank, bool use_rslora) {
  return use_rslora ? scale * std::sqrt(double(rank)) : scale * double(rank);
}

std::string leaf_of(const std::string& name) { return name.substr(name.rfind('.') + 1); }

// PEFT's target_modules for the adapted projections: their leaf names ("q_proj") when those
// select exactly them, else their whole names, which PEFT matches exactly (a regular
// expression or per-layer EVA ranks can leave some layers' projections out).
nlohmann::json peft_target_modules(LlamaForCausalLM& model, const std::set<std::string>& adapted) {
  std::set<std::string> leaves, selected_by_leaves;
  for (const auto& name : adapted) leaves.insert(leaf_of(name));
  for (auto& [name, proj] : model->projections())
    if (leaves.count(leaf_of(name))) selected_by_leaves.insert(name);
  return selected_by_leaves == adapted ? nlohmann::json(leaves) : nlohmann::json(adapted);
}

}  // namespace

PeftAdapter lora_peft_adapter(LlamaForCausalLM& model, const LoraOptions& o) {
  PeftAdapter out;
  std::set<std::string> adapted;
  nlohmann::json rank_pattern = nlohmann::json::object(), alpha_pattern = nlohmann::json::object();
  int64_t rank = 0;
  double alpha = 0;
  bool dora = false;
  for (auto& [name, proj] : model->projections()) {
    for (const auto& child : proj->named_children()) {  // the adapters, registered as submodules
      const auto lora = std::dynamic_pointer_cast<LoraAdapter>(child.value());
      if (!lora) continue;
      const std::string key = "base_model.model." + name;
      out.tensors[key + ".lora_A.weight"] = lora->A.detach().clone();
      out.tensors[key + ".lora_B.weight"] = lora->B.detach().clone();
      if (lora->magnitude_vector().defined()) {
        out.tensors[key + ".lora_magnitude_vector"] = lora->magnitude_vector().detach().clone();
        dora = true;
      }
      const int64_t r = lora->A.size(0);
      const double a = peft_alpha(lora->scale, r, o.use_rslora);
      if (rank == 0) rank = r, alpha = a;
      if (r != rank) rank_pattern[name] = r;
      if (a != alpha || r != rank) alpha_pattern[name] = a;
      adapted.insert(name);
    }
  }
  out.config = {{"peft_type", "LORA"},          {"task_type", "CAUSAL_LM"},
                {"r", rank},                    {"lora_alpha", alpha},
                {"lora_dropout", o.dropout},    {"target_modules", peft_target_modules(model, adapted)},
                {"use_rslora", o.use_rslora},   {"use_dora", dora},
                {"rank_pattern", rank_pattern}, {"alpha_pattern", alpha_pattern},
                {"bias", "none"},               {"fan_in_fan_out", false},
                {"init_lora_weights", true},    {"modules_to_save", nullptr},
                {"inference_mode", true},       {"base_model_name_or_path", nullptr}};
  return out;
}

LoraAdapter::LoraAdapter(int64_t in, int64_t out, int64_t rank, double scale_, double dropout_)
    : scale(scale_), dropout(dropout_) {
  A = register_parameter("A", torch::zeros({rank, in}));
  B = register_parameter("B", torch::zeros({out, rank}));
}

torch::Tensor LoraAdapter::dropped(const torch::Tensor& x) {
  return (dropout > 0 && is_training()) ? torch::dropout(x, dropout, /*train=*/true) : x;
}

torch::Tensor LoraAdapter::lora_path(const torch::Tensor& h) const {
  return scale * torch::nn::functional::linear(torch::nn::functional::linear(h, A), B);
}

torch::Tensor LoraAdapter::adapt(const torch::Tensor& x, const torch::Tensor& y) {
  return y + lora_path(dropped(x));
}

void LoraAdapter::merge_into(torch::Tensor& weight, torch::Tensor&) { weight.add_(update()); }

void initialise_lora_a(torch::Tensor& A, const LoraOptions& o) {
  torch::NoGradGuard no_grad;
  if (o.init == "gaussian") {
    A.normal_(0.0, 1.0 / double(A.size(0)));
  } else {
    const double bound = 1.0 / std::sqrt(double(A.size(1)));
    A.uniform_(-bound, bound);
  }
}

std::vector<torch::Tensor> Lora::prepare(LlamaForCausalLM& model, const MethodContext&) {
  const double scale = lora_scale(options_.alpha, options_.rank, options_.use_rslora);
  return attach_adapters(
      model, options_.target_modules, "lora", [&](const std::string& name, AdaptedLinear& proj) {
        auto adapter = std::make_shared<LoraAdapter>(proj->in_features, proj->out_features,
                                                     options_.rank, scale, options_.dropout);
        initialise_lora_a(adapter->A, options_);
        return adapter;
      });
}


Schema lora_family_schema(bool with_init) {
  Schema s = {
      {.name = "rank",
       .type = FieldType::kInt,
       .default_value = 8,
       .min = 1,
       .max = 16384,  // the largest hidden_size
       .sweepable = true},
      {.name = "alpha",
       .type = FieldType::kNumber,
       .default_value = 8.0,
       .min = 0,
       .min_exclusive = true,
       .sweepable = true,
       .help = "scale numerator: the update is (alpha / rank) B A"},
      {.name = "dropout",
       .type = FieldType::kNumber,
       .default_value = 0.0,
       .min = 0,
       .max = 0.99,
       .sweepable = true},
      {.name = "target_modules",
       .type = FieldType::kStringList,
       .default_value = nlohmann::json::array({"q_proj", "v_proj"}),
       .sweepable = true,
       .help = kTargetModulesHelp},
      {.name = "use_rslora",
       .type = FieldType::kBool,
       .default_value = false,
       .sweepable = true,
       .help = "rsLoRA: scale alpha / sqrt(rank) instead of alpha / rank"},
  };
  if (with_init) {
    s.push_back({.name = "init",
                 .type = FieldType::kString,
                 .default_value = "kaiming_uniform",
                 .choices = {"kaiming_uniform", "gaussian"},
                 .sweepable = true,
                 .help = "A's initialisation: U(-1/sqrt(in), 1/sqrt(in)) or N(0, 1/rank)"});
  }
  return s;
}

LoraOptions lora_options_from(const nlohmann::json& hp) {
  LoraOptions o;
  o.rank = hp.at("rank").get<int64_t>();
  o.alpha = hp.at("alpha").get<double>();
  o.dropout = hp.at("dropout").get<double>();
  o.target_modules = hp.at("target_modules").get<std::vector<std::string>>();
  o.use_rslora = hp.at("use_rslora").get<bool>();
  o.init = hp.value("init", std::string("kaiming_uniform"));
  return o;
}

void check_lora_family(const nlohmann::json& hp, const LlamaConfig& model,
                       const JsonLocation& where) {
  const int64_t rank = hp.at("rank").get<int64_t>();
  for (const auto& t : check_target_modules(hp, model, where)) {
    if (rank > std::min(t.out, t.in)) {
      where.key("rank").fail("rank " + std::to_string(rank) + " exceeds min(out, in) = " +
                             std::to_string(std::min(t.out, t.in)) + " of " + t.name + " (" +
                             std::to_string(t.out) + " x " + std::to_string(t.in) +
                             "); a low-rank update cannot have a higher rank than its matrix");
    }
  }
}

MethodInfo lora_info() {
  return {"lora",
          "LoRA (Hu et al. 2022): W0 + (alpha/r) B A on the target projections; rsLoRA and "
          "Gaussian init as options",
          lora_family_schema(true), &check_lora_family,
          [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
            return std::make_unique<Lora>(lora_options_from(hp));
          }};
}

}  // namespace tb
