#include "harness/data/jsonl_task.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/text/chat_template.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

fs::path write_lines(const fs::path& dir, const std::string& name, const std::string& text) {
  write_file_atomically(dir / name, text);
  return dir / name;
}

std::string error_of(const fs::path& file, DataFormat format, const ChatRenderer& render = {}) {
  try {
    read_jsonl_items(file, format, render);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(JsonlData, EachFormatBecomesPromptAndAnswer) {
  testing::ScratchDir dir("jsonl");
  const auto pc = write_lines(dir.path(), "pc.jsonl", "{\"prompt\": \"2+2=\", \"completion\": \"4\"}\n\n");
  const auto items = read_jsonl_items(pc, DataFormat::kPromptCompletion, {});
  ASSERT_EQ(items.size(), 1u) << "blank lines are skipped";
  EXPECT_EQ(items[0].prompt, "2+2=");
  EXPECT_EQ(items[0].answer, "4");
  EXPECT_EQ(items[0].id, "pc.jsonl:1");
  EXPECT_TRUE(items[0].rendered_reply.empty());

  const auto alpaca = write_lines(dir.path(), "a.jsonl",
                                  "{\"instruction\": \"Add.\", \"input\": \"2 2\", \"output\": \"4\"}\n"
                                  "{\"instruction\": \"Say hi.\", \"output\": \"hi\"}\n");
  const auto a = read_jsonl_items(alpaca, DataFormat::kAlpaca, {});
  EXPECT_EQ(a[0].prompt, alpaca_prompt("Add.", "2 2"));
  EXPECT_NE(a[0].prompt.find("### Input:\n2 2\n\n### Response:\n"), std::string::npos);
  EXPECT_EQ(a[1].prompt.find("### Input"), std::string::npos);
  EXPECT_EQ(a[1].answer, "hi");

  const auto text = write_lines(dir.path(), "t.jsonl", "{\"text\": \"once upon a time\"}\n");
  const auto t = read_jsonl_items(text, DataFormat::kText, {});
  EXPECT_EQ(t[0].prompt, "");
  EXPECT_EQ(t[0].answer, "once upon a time");
}

TEST(JsonlData, ConversationsAreRenderedAndTheLastReplyIsTheTarget) {
  testing::ScratchDir dir("jsonl");
  const ChatTemplate chat(
      "{% for m in messages %}<{{ m.role }}>{{ m.content }}</s>{% endfor %}"
      "{% if add_generation_prompt %}<assistant>{% endif %}",
      "test template");
  const ChatRenderer render = [&](const nlohmann::ordered_json& messages, bool prompt) {
    ChatTemplateInputs in;
    in.messages = messages;
    in.add_generation_prompt = prompt;
    return chat.render(in);
  };
  const auto file = write_lines(
      dir.path(), "m.jsonl",
      R"({"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, )"
      R"({"role": "assistant", "content": "Hello"}]})"
      "\n");
  const auto items = read_jsonl_items(file, DataFormat::kMessages, render);
  EXPECT_EQ(items[0].prompt, "<system>Be brief.</s><user>Hi</s><assistant>");
  EXPECT_EQ(items[0].rendered_reply, "Hello</s>");
  EXPECT_EQ(items[0].answer, "Hello");
}

TEST(JsonlData, BadLinesNameFileLineAndField) {
  testing::ScratchDir dir("jsonl");
  const auto file = write_lines(dir.path(), "bad.jsonl",
                                "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\", \"completion\": 3}\n");
  EXPECT_NE(error_of(file, DataFormat::kPromptCompletion).find("bad.jsonl:2: completion: expected a string, got number"),
            std::string::npos)
      << error_of(file, DataFormat::kPromptCompletion);
  const auto broken = write_lines(dir.path(), "broken.jsonl", "{\"prompt\": \n");
  EXPECT_NE(error_of(broken, DataFormat::kPromptCompletion).find("broken.jsonl:1: not valid JSON"), std::string::npos);
  const auto missing = write_lines(dir.path(), "missing.jsonl", "{\"instruction\": \"x\"}\n");
  EXPECT_NE(error_of(missing, DataFormat::kAlpaca).find("missing.jsonl:1: output: missing"), std::string::npos);
  const auto user_last = write_lines(dir.path(), "u.jsonl", R"({"messages": [{"role": "user", "content": "Hi"}]})" "\n");
  EXPECT_NE(error_of(user_last, DataFormat::kMessages).find("u.jsonl:1: messages[0].role: the last message must be"),
            std::string::npos)
      << error_of(user_last, DataFormat::kMessages);
  const auto role = write_lines(dir.path(), "r.jsonl", R"({"messages": [{"role": "bot", "content": "Hi"}]})" "\n");
  EXPECT_NE(error_of(role, DataFormat::kMessages).find("r.jsonl:1: messages[0].role: expected"), std::string::npos);
  EXPECT_NE(error_of(dir.path() / "absent.jsonl", DataFormat::kText).find("absent.jsonl: cannot be read"),
            std::string::npos);
}

TEST(JsonlTask, HeldOutSplitIsByContentAndCapsKeepFileOrder) {
  testing::ScratchDir dir("jsonl");
  std::string lines;
  for (int i = 0; i < 200; ++i) {
    lines += "{\"prompt\": \"q" + std::to_string(i) + "\", \"completion\": \"a" + std::to_string(i) + "\"}\n";
  }
  JsonlTaskOptions o;
  o.train_file = write_lines(dir.path(), "all.jsonl", lines);
  o.eval_fraction = 0.2;
  const TaskData data = JsonlTask(o, {}).data(0, 0, 0, 0);
  EXPECT_EQ(data.train.size() + data.eval.size(), 200u);
  EXPECT_GT(data.eval.size(), 20u);
  EXPECT_LT(data.eval.size(), 60u);
  for (const auto& item : data.eval) EXPECT_TRUE(jsonl_item_held_out(item, 0.2));
  for (const auto& item : data.train) EXPECT_FALSE(jsonl_item_held_out(item, 0.2));
  // Reordered lines: the same examples on each side.
  std::string reversed;
  for (int i = 199; i >= 0; --i) {
    reversed += "{\"prompt\": \"q" + std::to_string(i) + "\", \"completion\": \"a" + std::to_string(i) + "\"}\n";
  }
  o.train_file = write_lines(dir.path(), "reversed.jsonl", reversed);
  EXPECT_EQ(JsonlTask(o, {}).data(0, 0, 0, 0).eval.size(), data.eval.size());

  const TaskData capped = JsonlTask(o, {}).data(10, 5, 0, 7);
  EXPECT_EQ(capped.train.size(), 10u);
  EXPECT_EQ(capped.eval.size(), 5u);
  EXPECT_EQ(capped.validation.size(), 7u);
  EXPECT_THROW(JsonlTask(o, {}).data(0, 0, 0, 1), UserError) << "no training examples are left for validation";

  o.eval_file = write_lines(dir.path(), "eval.jsonl", "{\"prompt\": \"x\", \"completion\": \"y\"}\n");
  const TaskData with_file = JsonlTask(o, {}).data(0, 0, 0, 0);
  EXPECT_EQ(with_file.train.size(), 200u) << "an eval file: nothing of the training file is held out";
  ASSERT_EQ(with_file.eval.size(), 1u);
  EXPECT_EQ(with_file.eval[0].id, "eval.jsonl:1");
}

}  // namespace
}  // namespace tb
