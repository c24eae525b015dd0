#include "harness/store/run_result.h"

#include <stdexcept>

namespace tb {
namespace {

nlohmann::json optional_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
std::optional<double> optional_from(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

nlohmann::json with_step(nlohmann::json row, int64_t step) {
  row["step"] = step;
  return row;
}

}  // namespace

nlohmann::json eval_aggregate_json(const EvalAggregate& e) {
  return {{"suite", e.suite}, {"model", e.model}, {"metric", e.metric}, {"value", e.value},
          {"stderr", optional_json(e.stderr_value)}, {"n", e.n},
          {"ci_low", optional_json(e.ci_low)}, {"ci_high", optional_json(e.ci_high)}};
}

EvalAggregate eval_aggregate_from_json(const nlohmann::json& e) {
  return {e.at("suite").get<std::string>(), e.at("model").get<std::string>(), e.at("metric").get<std::string>(),
          e.at("value").get<double>(), optional_from(e, "stderr"), optional_from(e, "ci_low"),
          optional_from(e, "ci_high"), e.at("n").get<int64_t>()};
}

nlohmann::json eval_item_json(const EvalItem& i) {
  return {{"suite", i.suite}, {"model", i.model}, {"id", i.item_id}, {"score", i.score},
          {"logprob", optional_json(i.logprob)}, {"meta", i.meta}};
}

EvalItem eval_item_from_json(const nlohmann::json& i) {
  return {i.at("suite").get<std::string>(), i.at("model").get<std::string>(), i.at("id").get<std::string>(),
          i.at("score").get<double>(), optional_from(i, "logprob"), i.value("meta", nlohmann::json::object())};
}

nlohmann::json RunResult::to_json() const {
  nlohmann::json j = {{"format", kRunResultFormat},
                      {"run_key", run_key},
                      {"trainable_params", trainable_params},
                      {"total_params", total_params},
                      {"optimizer_state_bytes", optimizer_state_bytes},
                      {"peak_rss_bytes", peak_rss_bytes},
                      {"wall_seconds", wall_seconds},
                      {"train_seconds", train_seconds},
                      {"environment", {{"git_commit", environment.git_commit},
                                       {"torch_version", environment.torch_version},
                                       {"device", environment.device},
                                       {"threads", environment.threads}}}};
  j["metrics"] = nlohmann::json::array();
  for (const auto& m : metrics) j["metrics"].push_back({m.name, m.step, m.value});
  j["evals"] = nlohmann::json::array();
  for (const auto& e : evals) j["evals"].push_back(eval_aggregate_json(e));
  j["items"] = nlohmann::json::array();
  for (const auto& i : items) j["items"].push_back(eval_item_json(i));
  j["spectra"] = nlohmann::json::array();
  for (const auto& v : spectra) j["spectra"].push_back({v.matrix, v.metric, v.value});
  if (!step_evals.empty()) {  // only runs evaluated during training have these
    j["step_evals"] = nlohmann::json::array();
    for (const auto& e : step_evals) j["step_evals"].push_back(with_step(eval_aggregate_json(e.aggregate), e.step));
    j["step_items"] = nlohmann::json::array();
    for (const auto& i : step_items) j["step_items"].push_back(with_step(eval_item_json(i.item), i.step));
  }
  if (stage_evals.empty()) return j;  // the results of single-task runs stay as they were
  j["stage_evals"] = nlohmann::json::array();
  for (const auto& e : stage_evals) {
    nlohmann::json row = eval_aggregate_json(e.aggregate);
    row["stage"] = e.stage;
    row["task"] = e.task;
    j["stage_evals"].push_back(std::move(row));
  }
  j["stage_items"] = nlohmann::json::array();
  for (const auto& i : stage_items) {
    nlohmann::json row = eval_item_json(i.item);
    row["stage"] = i.stage;
    row["task"] = i.task;
    j["stage_items"].push_back(std::move(row));
  }
  return j;
}

RunResult RunResult::from_json(const nlohmann::json& j) {
  if (j.value("format", 0) != kRunResultFormat) {
    throw std::runtime_error("result.json has format " + j.value("format", nlohmann::json(0)).dump() +
                             ", this tunebench reads format " + std::to_string(kRunResultFormat));
  }
  RunResult r;
  r.run_key = j.at("run_key").get<std::string>();
  r.trainable_params = j.at("trainable_params").get<int64_t>();
  r.total_params = j.at("total_params").get<int64_t>();
  r.optimizer_state_bytes = j.at("optimizer_state_bytes").get<int64_t>();
  r.peak_rss_bytes = j.value("peak_rss_bytes", int64_t(0));  // absent in results of older versions
  r.wall_seconds = j.at("wall_seconds").get<double>();
  r.train_seconds = j.at("train_seconds").get<double>();
  const auto& env = j.at("environment");
  r.environment = {env.at("git_commit").get<std::string>(), env.at("torch_version").get<std::string>(),
                   env.at("device").get<std::string>(), env.at("threads").get<int64_t>()};
  for (const auto& m : j.at("metrics")) r.metrics.push_back({m.at(0).get<std::string>(), m.at(1).get<int64_t>(), m.at(2).get<double>()});
  for (const auto& e : j.at("evals")) r.evals.push_back(eval_aggregate_from_json(e));
  for (const auto& i : j.at("items")) r.items.push_back(eval_item_from_json(i));
  for (const auto& v : j.value("spectra", nlohmann::json::array())) {
    r.spectra.push_back({v.at(0).get<std::string>(), v.at(1).get<std::string>(), v.at(2).get<double>()});
  }
  for (const auto& e : j.value("stage_evals", nlohmann::json::array()))
    r.stage_evals.push_back({e.at("stage").get<int64_t>(), e.at("task").get<int64_t>(), eval_aggregate_from_json(e)});
  for (const auto& i : j.value("stage_items", nlohmann::json::array()))
    r.stage_items.push_back({i.at("stage").get<int64_t>(), i.at("task").get<int64_t>(), eval_item_from_json(i)});
  for (const auto& e : j.value("step_evals", nlohmann::json::array()))
    r.step_evals.push_back({e.at("step").get<int64_t>(), eval_aggregate_from_json(e)});
  for (const auto& i : j.value("step_items", nlohmann::json::array()))
    r.step_items.push_back({i.at("step").get<int64_t>(), eval_item_from_json(i)});
  return r;
}

}  // namespace tb
