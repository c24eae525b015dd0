// Renders every (template, conversation) pair listed in tests/data/chat_templates/conversations.json
// with @huggingface/jinja (the Jinja engine of transformers.js, pinned in package.json) and writes
// tests/data/chat_templates/rendered.json, the fixture tunebench's own engine must match byte for byte
// (tests/harness/text/chat_template_test.cpp).
//
// Variables are passed the way transformers.js's `apply_chat_template` passes them: messages,
// add_generation_prompt, tools and documents (null unless given), the tokenizer's special tokens when
// it has them (a missing token stays undefined), then any extra keyword arguments (enable_thinking...).
//
// Run from tools/reference:  node render_chat_templates.mjs
import { Template } from "@huggingface/jinja";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, "..", "..", "tests", "data", "chat_templates");
const jinjaVersion = JSON.parse(readFileSync(join(here, "node_modules", "@huggingface", "jinja", "package.json"), "utf8")).version;

function variables(conversation, template) {
	const items = {
		messages: conversation.messages,
		add_generation_prompt: conversation.add_generation_prompt,
		tools: null,
		documents: null,
	};
	if (template.bos_token) items.bos_token = template.bos_token;
	if (template.eos_token) items.eos_token = template.eos_token;
	return { ...items, ...(conversation.extra ?? {}) };
}

function renderOrError(source, conversation, template) {
	try {
		return { text: new Template(source).render(variables(conversation, template)) };
	} catch (error) {
		return { error: error.message };
	}
}

const spec = JSON.parse(readFileSync(join(dataDir, "conversations.json"), "utf8"));
const conversations = new Map(spec.conversations.map((c) => [c.name, c]));
const conversation = (name) => {
	if (!conversations.has(name)) throw new Error(`conversations.json names an unknown conversation: ${name}`);
	return conversations.get(name);
};

const rendered = {};
const raised = {};
for (const [name, template] of Object.entries(spec.templates)) {
	const source = readFileSync(join(dataDir, template.file), "utf8");
	rendered[name] = {};
	for (const c of template.renders) {
		const result = renderOrError(source, conversation(c), template);
		if (result.error !== undefined) throw new Error(`${name} / ${c} should render but raised: ${result.error}`);
		rendered[name][c] = result.text;
	}
	raised[name] = {};
	for (const [c, expected] of Object.entries(template.raises)) {
		const result = renderOrError(source, conversation(c), template);
		if (result.error === undefined) throw new Error(`${name} / ${c} should raise but rendered`);
		if (result.error !== expected) throw new Error(`${name} / ${c} raised "${result.error}", expected "${expected}"`);
		raised[name][c] = result.error;
	}
}

const out = {
	_doc:
		`Written by tools/reference/render_chat_templates.mjs with @huggingface/jinja ${jinjaVersion} from ` +
		"conversations.json and the .jinja files next to it; do not edit by hand, rerun the script.",
	rendered,
	raised,
};
writeFileSync(join(dataDir, "rendered.json"), JSON.stringify(out, null, 2) + "\n");
const count = Object.values(rendered).reduce((n, r) => n + Object.keys(r).length, 0);
console.log(`wrote rendered.json: ${count} renderings, ${Object.values(raised).reduce((n, r) => n + Object.keys(r).length, 0)} expected errors`);
