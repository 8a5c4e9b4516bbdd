import Foundation
import XCTest
@testable import AutoDeco

/// The models' own chat templates and a set of Jinja snippets must render byte for byte
/// like Jinja2 configured as transformers configures it.
final class TokenizerChatTemplateTests: XCTestCase {
    private func checkModel(_ model: TokenizerTestModel) throws {
        let ctx = try TokenizerTestContext.get(model)
        let template = try ChatTemplate(source: ctx.chatTemplate)
        var matched = 0
        for chat in ctx.fixture.chat {
            let rendered = try template.render(
                messages: chat.messages.map { ChatMessage(role: $0.role, content: $0.content) },
                addGenerationPrompt: chat.add_generation_prompt, bosToken: ctx.bosToken, eosToken: ctx.eosToken)
            XCTAssertEqual(rendered, chat.rendered)
            if rendered == chat.rendered { matched += 1 }
        }
        print("[\(model.rawValue)] chat template: \(matched)/\(ctx.fixture.chat.count) renderings match Jinja2")
    }

    func testSmolLM2ChatTemplate() throws { try checkModel(.smollm2) }
    func testQwenChatTemplate() throws { try checkModel(.qwen) }

    func testQwenDefaultSystemPrompt() throws {
        let ctx = try TokenizerTestContext.get(.qwen)
        let out = try ChatTemplate(source: ctx.chatTemplate).render(
            messages: [ChatMessage(role: "user", content: "hi")], addGenerationPrompt: true)
        XCTAssertEqual(out, "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
    }

    struct JinjaFixture: Decodable {
        struct Case: Decodable { let source: String; let add_generation_prompt: Bool; let rendered: String }
        let messages: [TokenizerFixture.Message]
        let cases: [Case]
    }

    func testJinjaSubsetMatchesJinja2() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tokenizer/jinja.json")
        let fixture = try JSONDecoder().decode(JinjaFixture.self, from: Data(contentsOf: url))
        let messages = fixture.messages.map { ChatMessage(role: $0.role, content: $0.content) }
        var matched = 0
        for c in fixture.cases {
            do {
                let out = try ChatTemplate(source: c.source).render(
                    messages: messages, addGenerationPrompt: c.add_generation_prompt, bosToken: "<s>", eosToken: "</s>")
                XCTAssertEqual(out, c.rendered, c.source)
                if out == c.rendered { matched += 1 }
            } catch {
                XCTFail("\(c.source): \(error)")
            }
        }
        print("jinja subset: \(matched)/\(fixture.cases.count) renderings match Jinja2")
    }

    func testErrorsAreTypedNotTraps() {
        func fails(_ source: String, _ check: (TokenizerError) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
            do {
                _ = try ChatTemplate(source: source).render(messages: [ChatMessage(role: "user", content: "x")], addGenerationPrompt: false)
                XCTFail("expected an error for \(source)", file: file, line: line)
            } catch let e as TokenizerError {
                XCTAssertTrue(check(e), "\(e)", file: file, line: line)
                XCTAssertFalse(e.description.isEmpty)
            } catch {
                XCTFail("untyped error \(error)", file: file, line: line)
            }
        }
        fails("{{ raise_exception('Conversation roles must alternate') }}") { $0 == .templateRaised("Conversation roles must alternate") }
        fails("{% macro f() %}{% endmacro %}") { if case .templateUnsupported = $0 { return true }; return false }
        fails("{{ x | wordcount }}") { if case .templateUnsupported = $0 { return true }; return false }
        fails("{% if true %}unclosed") { if case .templateSyntax = $0 { return true }; return false }
        fails("{{ 'abc ") { if case .templateSyntax = $0 { return true }; return false }
        fails("{{ messages[0].role.x.y }}") { if case .templateRuntime = $0 { return true }; return false }
        fails("{{ 1 + 'a' }}") { if case .templateRuntime = $0 { return true }; return false }
        fails("{{ 1 // 0 }}") { if case .templateRuntime = $0 { return true }; return false }
        fails("\n\n{{ nope.attr }}") { $0 == .templateRuntime("'nope' is undefined (reading .attr)", line: 3) }
        fails("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}") {
            if case .templateRuntime = $0 { return true }; return false
        }
    }

    /// Hostile nesting is an error, not a stack overflow.
    func testDeepNestingIsRejected() {
        let deep = "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}"
        XCTAssertThrowsError(try ChatTemplate(source: deep))
        let chain = "{{ x" + String(repeating: ".a", count: 100_000) + " }}{{ 1" + String(repeating: " + 1", count: 100_000) + " }}"
        XCTAssertThrowsError(try ChatTemplate(source: chain))
        let blocks = String(repeating: "{% if true %}", count: 5000) + String(repeating: "{% endif %}", count: 5000)
        XCTAssertThrowsError(try ChatTemplate(source: blocks))
        let grow = "{% set ns = namespace(x=[]) %}{% for i in range(10000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}"
        XCTAssertThrowsError(try ChatTemplate(source: grow).render(messages: [], addGenerationPrompt: false))
        XCTAssertEqual(try ChatTemplate(source: "{{ not not not true }} {{ - - 3 }}").render(messages: [], addGenerationPrompt: false), "False 3")
    }

    /// Random garbage templates must parse or fail with an error, never trap.
    func testRandomTemplatesNeverCrash() {
        let atoms = ["{{", "}}", "{%", "%}", "{#", "#}", "-", "+", " if ", " for ", " in ", " endif ", " endfor ", " else ",
                     "x", "messages", "'s'", "\"", "[", "]", "(", ")", ".", "|", "trim", " set ", "=", "1", "loop", "\n", " ", "~", "not"]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            let source = (0..<Int(rng.next() % 14)).map { _ in atoms[Int(rng.next() % UInt64(atoms.count))] }.joined()
            _ = try? ChatTemplate(source: source).render(messages: [ChatMessage(role: "user", content: "hi")], addGenerationPrompt: true)
        }
    }
}
