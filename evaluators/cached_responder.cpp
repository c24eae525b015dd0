#include "evaluators/cached_responder.h"

#include <bit>
#include <cstdio>

#include "harness/common/check.h"
#include "harness/common/sha256.h"

namespace tb {
namespace {

// Each field with its length in front, so that no two query lists hash alike by accident.
std::string queries_digest(const std::vector<Query>& queries) {
  std::string bytes;
  auto field = [&](const std::string& s) { bytes += std::to_string(s.size()) + ":" + s; };
  for (const Query& q : queries) {
    field(q.prompt);
    field(q.answer);
    field(std::to_string(q.max_new_tokens));
    field(q.stop_text);
    if (!q.rendered_reply.empty()) field("\x1e" + q.rendered_reply);  // conversations only
  }
  return sha256_hex(bytes);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

std::string from_hex(const std::string& hex) {
  TB_CHECK(hex.size() % 2 == 0, "hex text of whole bytes");
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2)
    bytes += char(std::stoi(hex.substr(i, 2), nullptr, 16));
  return bytes;
}

// Outputs as hex (any bytes) and log-probabilities as their IEEE-754 bits (exact, and
// non-finite values too), so that a cached answer is the computed one bit for bit.
std::string encode(const std::vector<Response>& responses) {
  nlohmann::json list = nlohmann::json::array();
  for (const Response& r : responses) {
    char bits[17];
    std::snprintf(bits, sizeof bits, "%016llx",
                  static_cast<unsigned long long>(std::bit_cast<uint64_t>(r.answer_logprob)));
    list.push_back({to_hex(r.output), bits});
  }
  return list.dump();
}

std::vector<Response> decode(const std::string& payload, size_t count) {
  const auto list = nlohmann::json::parse(payload);
  TB_CHECK(list.size() == count, "a cache entry holds one answer per query of its key");
  std::vector<Response> responses;
  for (const auto& r : list) {
    const uint64_t bits = std::stoull(r.at(1).get<std::string>(), nullptr, 16);
    responses.push_back({from_hex(r.at(0).get<std::string>()), std::bit_cast<double>(bits)});
  }
  return responses;
}

}  // namespace

CachedResponder::CachedResponder(std::unique_ptr<Responder> inner, const BaseCache& cache,
                                 nlohmann::json key)
    : inner_(std::move(inner)), cache_(cache), key_(std::move(key)) {}

std::vector<Response> CachedResponder::respond(const std::vector<Query>& queries) {
  nlohmann::json key = key_;
  key["queries"] = queries_digest(queries);
  key["count"] = queries.size();
  const std::string payload = cache_.fetch(key, [&] { return encode(inner_->respond(queries)); });
  return decode(payload, queries.size());
}

std::unique_ptr<Responder> base_responder(const EvalContext& ctx, const std::string& suite,
                                          int64_t batch_size) {
  auto model = std::make_unique<ModelResponder>(ctx.base, ctx.tokenizer(), batch_size);
  if (ctx.base_cache == nullptr) return model;
  return std::make_unique<CachedResponder>(
      std::move(model), *ctx.base_cache,
      nlohmann::json{{"suite", suite}, {"kind", "answers"}, {"batch_size", batch_size}});
}

}  // namespace tb
