#include "harness/model/safetensors.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/common/files.h"
#include "harness/model/model_io.h"
#include "tests/test_util.h"

namespace tb {
namespace {

TEST(Safetensors, RoundTripIsBitExact) {
  testing::ScratchDir dir("st");
  torch::manual_seed(0);
  TensorMap tensors = {
      {"f32", torch::randn({3, 5})},
      {"bf16", torch::randn({4}).to(torch::kBFloat16)},
      {"f16", torch::randn({2, 2}).to(torch::kFloat16)},
      {"i64", torch::randint(-1000, 1000, {7}, torch::kInt64)},
      {"scalar", torch::tensor(3.5)},
      {"noncontiguous", torch::randn({4, 6}).t()},
  };
  const auto path = dir.path() / "t.safetensors";
  save_safetensors(path, tensors, {{"note", "hello"}});
  const SafetensorsFile loaded = load_safetensors(path);
  EXPECT_EQ(loaded.metadata.at("note"), "hello");
  ASSERT_EQ(loaded.tensors.size(), tensors.size());
  for (const auto& [name, t] : tensors) {
    const auto& u = loaded.tensors.at(name);
    EXPECT_EQ(u.scalar_type(), t.scalar_type()) << name;
    EXPECT_EQ(u.sizes(), t.sizes()) << name;
    EXPECT_TRUE(torch::equal(u, t)) << name;
  }
}

TEST(Safetensors, FileLayoutFollowsTheFormat) {
  testing::ScratchDir dir("st");
  const auto path = dir.path() / "t.safetensors";
  save_safetensors(path, {{"b", torch::tensor({1.0f, 2.0f})}, {"a", torch::tensor({int64_t(7)})}});
  const std::string bytes = read_file(path);
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  EXPECT_EQ((8 + n) % 8, 0u) << "data starts 8-byte aligned";
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  EXPECT_EQ(header.at("a").at("dtype"), "I64");
  EXPECT_EQ(header.at("a").at("data_offsets"), nlohmann::json({0, 8}));
  EXPECT_EQ(header.at("b").at("dtype"), "F32");
  EXPECT_EQ(header.at("b").at("shape"), nlohmann::json({2}));
  EXPECT_EQ(header.at("b").at("data_offsets"), nlohmann::json({8, 16}));
  EXPECT_EQ(bytes.size(), 8 + n + 16);
  float second;
  std::memcpy(&second, bytes.data() + 8 + n + 8 + 4, 4);
  EXPECT_EQ(second, 2.0f);
}

TEST(Safetensors, RejectsTruncatedFiles) {
  testing::ScratchDir dir("st");
  const auto path = dir.path() / "t.safetensors";
  save_safetensors(path, {{"x", torch::randn({100})}});
  const std::string bytes = read_file(path);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() - 10);
  EXPECT_THROW(load_safetensors(path), std::runtime_error);
}

TEST(ModelIo, SavedModelLoadsIdentically) {
  testing::ScratchDir dir("st");
  torch::manual_seed(4);
  LlamaForCausalLM model(testing::tiny_config());
  save_model(model, dir.path() / "m.safetensors");
  LlamaForCausalLM loaded = load_model(dir.path() / "m.safetensors");
  EXPECT_EQ(loaded->config.to_json(), model->config.to_json());
  auto ids = torch::randint(0, 256, {1, 6}, torch::kInt64);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(loaded->forward(ids), model->forward(ids)));
}

}  // namespace
}  // namespace tb
