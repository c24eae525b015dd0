// A run in bf16 with gradient checkpointing and the fused loss, stopped, checkpointed and
// resumed in a fresh model and optimiser, ends bit-identical to the uninterrupted run: the
// bf16 weights, the fp32 adapters and moments, and the generator behind LoRA's dropout
// (which the recomputed blocks must draw again the same way) all come back.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "harness/data/reverse_task.h"
#include "harness/exec/run_device.h"
#include "harness/train/checkpoint.h"
#include "methods/lora.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(PrecisionResume, Bf16WithCheckpointingAndTheFusedLossResumesBitIdentically) {
  const TaskData data = make_task_data(ReverseTask(3, 5), 80, 4, 3);
  testing::ScratchDir dir("precision-resume");
  const auto file = dir.path() / "checkpoint.pt";
  testing::pretrained_tiny_model();  // pretrained (drawing from the generator) before the runs seed it
  auto run = [&](bool interrupted) {
    torch::manual_seed(8);
    LlamaForCausalLM tuned = testing::pretrained_tiny_model(), base = testing::pretrained_tiny_model();
    LoraOptions lo;
    lo.rank = 4;
    lo.dropout = 0.2;
    lo.target_modules = {"q_proj", "v_proj", "gate_proj"};
    Lora lora(lo);
    const auto params = lora.prepare(tuned, testing::method_context(16, testing::reverse_batches(data, 1), data, tuned));
    TrainingOptions o;
    o.steps = 16, o.lr = 3e-3, o.warmup_steps = 3, o.log_every = 4;
    o.dtype = "bf16", o.gradient_checkpointing = true, o.vocabulary_chunk = 64;
    place_for_training(tuned, base, o, torch::kCPU);
    TrainHooks hooks;
    hooks.checkpoint = [&](const TrainProgress& p, torch::optim::Optimizer& opt) {
      save_checkpoint(file, "run", *tuned, opt, lora, p, {});
    };
    hooks.resume = [&](torch::optim::Optimizer& opt) {
      const auto restored = load_checkpoint(file, "run", *tuned, opt, lora);
      return restored ? restored->progress : TrainProgress{};
    };
    int64_t calls = 0;
    if (interrupted) hooks.stop_requested = [&] { return ++calls == 7; };
    const auto batches = [&](int64_t step) { return testing::reverse_batches(data, uint64_t(step))(0); };
    train(tuned, params, o, batches, &lora, [](int64_t, const std::string&, double) {}, hooks);
    TensorMap out;
    for (const auto& p : tuned->named_parameters()) out[p.key()] = p.value().detach().clone();
    return out;
  };
  const auto uninterrupted = run(false);
  run(true);
  ASSERT_TRUE(std::filesystem::exists(file));
  torch::manual_seed(999);  // a new process: the generator's state comes from the checkpoint
  const auto resumed = run(false);
  ASSERT_EQ(resumed.size(), uninterrupted.size());
  int64_t bf16 = 0;
  for (const auto& [name, value] : uninterrupted) {
    EXPECT_TRUE(torch::equal(value, resumed.at(name))) << name;
    bf16 += value.scalar_type() == torch::kBFloat16;
  }
  EXPECT_GT(bf16, 0) << "frozen weights were stored in bf16";
}

}  // namespace
}  // namespace tb
