// End to end with a real tokenizer: `tunebench tokenize` gives Hugging Face's ids, and a
// spec naming a tokenizer folder and a JSON Lines task trains the synthetic architecture on
// the resized vocabulary and scores every suite; a bad tokenizer folder is a spec error.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "harness/common/files.h"
#include "harness/common/strings.h"
#include "tests/integration/cli_util.h"
#include "tests/reference_tokenizers.h"
#include "tests/test_util.h"

namespace tb {
namespace {

using testing::CliResult;
using testing::sql_int;
using testing::sql_text;
using testing::tunebench;
using testing::write_spec;
namespace fs = std::filesystem;

const char* kLlama2ChatTemplate =
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
    "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ ' ' + message['content'] + ' ' + eos_token }}{% endif %}{% endfor %}";

nlohmann::json tokenizer_spec(const fs::path& data) {
  nlohmann::json doc = testing::small_spec();
  doc["name"] = "real_tokenizer";
  doc["base_model"]["tokenizer"] = "tokenizer";  // relative to the spec's folder
  doc["base_model"]["chat_template"] = kLlama2ChatTemplate;
  doc["base_model"]["architecture"]["max_position_embeddings"] = 96;
  doc["task"] = {{"name", "jsonl"}, {"train_file", data.filename().string()}, {"format", "messages"},
                 {"eval_fraction", 0.25}, {"answer_match", "strip"}};
  doc["methods"] = nlohmann::json::array({{{"method", "full_ft"}}});
  doc["seeds"] = {0};
  doc["evaluation"] = nlohmann::json::parse(R"({
      "task_accuracy": {},
      "forgetting": {"sequences": 4, "seq_len": 32, "control_items": 4},
      "long_context": {"tasks": ["passkey"], "lengths": [48], "depths": [0.5], "items_per_cell": 2},
      "reasoning": {"tasks": ["addition"], "addition_digits": [2], "items": 4}})");
  return doc;
}

fs::path write_conversations(const fs::path& dir) {
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    lines += R"({"messages": [{"role": "user", "content": "double )" + std::to_string(i) +
             R"("}, {"role": "assistant", "content": ")" + std::to_string(2 * i) + "\"}]}\n";
  }
  write_file_atomically(dir / "double.jsonl", lines);
  return dir / "double.jsonl";
}

TEST(RealTokenizerCli, TokenizeGivesHuggingFacesIds) {
  testing::ScratchDir dir("tokenize");
  const auto reference = nlohmann::json::parse(read_file(TUNEBENCH_SOURCE_DIR "/tests/data/tokenizers/reference_llama3.json"));
  const auto corpus = nlohmann::json::parse(read_file(TUNEBENCH_SOURCE_DIR "/tests/data/tokenizers/corpus.json"));
  ASSERT_EQ(reference.at("encodings").at(1).at("name"), corpus.at("entries").at(1).at("name"));
  const std::string text = corpus.at("entries").at(1).at("text");
  const CliResult r = tunebench(
      {"tokenize", "--tokenizer", testing::reference_tokenizer_folder("llama3").string(), "--text", text}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out), reference.at("encodings").at(1).at("ids"));
  const CliResult back = tunebench({"tokenize", "--tokenizer", testing::reference_tokenizer_folder("llama3").string(),
                                    "--decode", "--text", trim(r.out)},
                                   dir.path());
  ASSERT_EQ(back.exit_code, 0) << back.err;
  ASSERT_EQ(std::count(back.out.begin(), back.out.end(), '\n'), 1) << back.out;
  EXPECT_EQ(nlohmann::json::parse(back.out), text);
  const CliResult bad = tunebench({"tokenize", "--tokenizer", dir.path().string(), "--text", "x"}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("tokenizer.json"), std::string::npos) << bad.err;
}

// --chat renders with the folder's own template exactly as @huggingface/jinja does.
TEST(RealTokenizerCli, TokenizeRendersConversationsWithTheFoldersTemplate) {
  testing::ScratchDir dir("tokenize-chat");
  const auto rendered = nlohmann::json::parse(read_file(TUNEBENCH_SOURCE_DIR "/tests/data/chat_templates/rendered.json"));
  const auto conversations =
      nlohmann::json::parse(read_file(TUNEBENCH_SOURCE_DIR "/tests/data/chat_templates/conversations.json"));
  nlohmann::json user_only;
  for (const auto& c : conversations.at("conversations")) {
    if (c.at("name") == "user_only") user_only = {{"messages", c.at("messages")}};
  }
  ASSERT_FALSE(user_only.is_null());
  write_file_atomically(dir.path() / "chat.jsonl", user_only.dump() + "\n");
  const std::string folder = testing::reference_tokenizer_folder("qwen3").string();
  const CliResult text = tunebench(
      {"tokenize", "--tokenizer", folder, "--chat", "--rendered", "--file", (dir.path() / "chat.jsonl").string()},
      dir.path());
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(nlohmann::json::parse(text.out), rendered.at("rendered").at("qwen3").at("user_only"));
  const CliResult ids =
      tunebench({"tokenize", "--tokenizer", folder, "--chat", "--file", (dir.path() / "chat.jsonl").string()}, dir.path());
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  const CliResult direct = tunebench(
      {"tokenize", "--tokenizer", folder, "--text", rendered.at("rendered").at("qwen3").at("user_only").get<std::string>()},
      dir.path());
  EXPECT_EQ(ids.out, direct.out);
  EXPECT_NE(ids.out.find("151644"), std::string::npos) << "<|im_start|> is one special token: " << ids.out;
}

TEST(RealTokenizerCli, ASpecWithATokenizerFolderAndJsonlDataRunsEverySuite) {
  testing::ScratchDir dir("real-tokenizer");
  fs::copy(testing::reference_tokenizer_folder("llama2"), dir.path() / "tokenizer");
  const fs::path spec = write_spec(dir.path(), tokenizer_spec(write_conversations(dir.path())));
  const fs::path out = dir.path() / "out", db = out / "tunebench.sqlite";
  const CliResult r = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs WHERE status = 'done'"), 1) << r.err;
  for (const char* suite : {"task_accuracy", "forgetting", "long_context", "reasoning"}) {
    EXPECT_GT(sql_int(db, std::string("SELECT count(*) FROM evals WHERE suite = '") + suite + "'"), 0) << suite;
  }
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM eval_items WHERE suite = 'task_accuracy' AND model = 'tuned'"),
            sql_int(db, "SELECT count(*) FROM eval_items WHERE suite = 'task_accuracy' AND model = 'base'"));
  EXPECT_GT(sql_int(db, "SELECT count(*) FROM eval_items WHERE suite = 'task_accuracy' AND model = 'tuned'"), 3);
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM metrics WHERE name = 'truncated_train_items' AND value = 0"), 1);
  const auto config = nlohmann::json::parse(sql_text(db, "SELECT config_json FROM runs"));
  EXPECT_EQ(config.at("base_model").at("architecture").at("vocab_size"), 32000) << "resized to the tokenizer";

  // The same files elsewhere: the same runs (keys hash the contents, not the paths).
  fs::rename(dir.path() / "tokenizer", dir.path() / "moved");
  nlohmann::json moved = tokenizer_spec(dir.path() / "double.jsonl");
  moved["base_model"]["tokenizer"] = (dir.path() / "moved").string();
  const CliResult again = tunebench({"run", write_spec(dir.path(), moved).string(), "--out", out.string()}, dir.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(sql_int(db, "SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(sql_int(db, "SELECT sum(attempts) FROM runs"), 1) << "nothing ran again";
}

TEST(RealTokenizerCli, ABadTokenizerFolderIsASpecErrorAndNothingIsWritten) {
  testing::ScratchDir dir("bad-tokenizer");
  fs::create_directories(dir.path() / "tokenizer");
  write_file_atomically(dir.path() / "tokenizer" / "tokenizer.json",
                        R"({"model": {"type": "Unigram", "vocab": []}, "added_tokens": []})");
  const fs::path spec = write_spec(dir.path(), tokenizer_spec(write_conversations(dir.path())));
  const fs::path out = dir.path() / "out";
  const CliResult r = tunebench({"run", spec.string(), "--out", out.string()}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("base_model.tokenizer: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Unigram"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace tb
