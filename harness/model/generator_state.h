// The states of LibTorch's global generators: the CPU one, and with CUDA kernels built
// (TUNEBENCH_WITH_CUDA) each visible GPU's. Checkpoints save them so that dropout and
// every other draw continue as in an uninterrupted run; evaluation during training puts
// them back after it has run.
#pragma once
#include <torch/types.h>

#include <map>
#include <string>

namespace tb {

// name ("cpu", "cuda:0", ...) -> the generator's state.
std::map<std::string, torch::Tensor> generator_states();

// Sets every generator named in `states`; the others are left as they are.
void restore_generator_states(const std::map<std::string, torch::Tensor>& states);

// The generators' states, put back when this goes out of scope.
class GeneratorStateGuard {
 public:
  GeneratorStateGuard() : states_(generator_states()) {}
  ~GeneratorStateGuard() { restore_generator_states(states_); }
  GeneratorStateGuard(const GeneratorStateGuard&) = delete;
  GeneratorStateGuard& operator=(const GeneratorStateGuard&) = delete;

 private:
  std::map<std::string, torch::Tensor> states_;
};

}  // namespace tb
