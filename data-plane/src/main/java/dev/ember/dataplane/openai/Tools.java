package dev.ember.dataplane.openai;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.common.error.FieldViolation;
import dev.ember.dataplane.engine.JsonSchemas;

/**
 * The functions a chat request offers ({@code tools}) and whether the simulated model calls one
 * ({@code tool_choice}): {@code none} never; {@code required} (or {@code any}) always, one of them; a named function
 * always that one; {@code auto} (the default) calls one unless the conversation ends with a tool's result, which it
 * then answers in text, so an agent loop ends.
 *
 * @param functions the functions, in the request's order
 * @param mode {@code none}, {@code auto} or {@code required}
 * @param forced the index of the function {@code tool_choice} names, or -1
 */
record Tools(List<ChatCompletionRequest.Function> functions, String mode, int forced) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Tools NONE = new Tools(List.of(), "none", -1);

    static Tools of(ChatCompletionRequest request, List<FieldViolation> violations) {
        List<ChatCompletionRequest.Function> functions = new ArrayList<>();
        List<ChatCompletionRequest.Tool> tools = request.tools() == null ? List.of() : request.tools();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            ChatCompletionRequest.Tool tool = tools.get(i);
            if (tool == null || !"function".equals(tool.type())) {
                violations.add(new FieldViolation(at + ".type", "must be \"function\""));
            } else if (tool.function() == null) {
                violations.add(new FieldViolation(at + ".function", "is required"));
            } else if (tool.function().name() == null || !NAME.matcher(tool.function().name()).matches()) {
                violations.add(new FieldViolation(at + ".function.name",
                        "must be 1 to 64 letters, digits, underscores or dashes"));
            } else if (!names.add(tool.function().name())) {
                violations.add(new FieldViolation(at + ".function.name",
                        "'" + tool.function().name() + "' is given twice"));
            } else if (parametersOk(tool.function().parameters(), at + ".function.parameters", violations)) {
                functions.add(tool.function());
            }
        }
        JsonNode choice = request.toolChoice();
        if (choice == null || choice.isNull()) {
            return functions.isEmpty() ? NONE : new Tools(functions, "auto", -1);
        }
        if (choice.isTextual()) {
            String mode = choice.asText().equals("any") ? "required" : choice.asText();
            if (!List.of("none", "auto", "required").contains(mode)) {
                violations.add(new FieldViolation("tool_choice",
                        "must be none, auto, required (or any) or {\"type\": \"function\", \"function\": "
                                + "{\"name\": ...}}"));
            } else if (mode.equals("required") && tools.isEmpty()) {
                violations.add(new FieldViolation("tool_choice", "\"required\" needs tools"));
            }
            return new Tools(functions, mode, -1);
        }
        String name = choice.path("function").path("name").asText(choice.path("name").asText(null));
        if (!choice.isObject() || !"function".equals(choice.path("type").asText()) || name == null) {
            violations.add(new FieldViolation("tool_choice",
                    "must be none, auto, required (or any) or {\"type\": \"function\", \"function\": "
                            + "{\"name\": ...}}"));
            return NONE;
        }
        for (int i = 0; i < functions.size(); i++) {
            if (functions.get(i).name().equals(name)) {
                return new Tools(functions, "required", i);
            }
        }
        violations.add(new FieldViolation("tool_choice.function.name", "'" + name + "' is not one of the tools"));
        return NONE;
    }

    /** A function's parameters: absent, or a JSON Schema of type object within the supported subset. */
    private static boolean parametersOk(JsonNode parameters, String param, List<FieldViolation> violations) {
        if (parameters == null || parameters.isNull()) {
            return true;
        }
        if (!parameters.isObject() || !"object".equals(parameters.path("type").asText())) {
            violations.add(new FieldViolation(param, "must be a JSON Schema of type \"object\""));
            return false;
        }
        List<String> problems = JsonSchemas.problems(parameters);
        if (!problems.isEmpty()) {
            violations.add(new FieldViolation(param, problems.get(0)));
            return false;
        }
        return true;
    }

    /** The index of the function this reply calls, or -1 for a reply in text. */
    int call(String lastRole, long seed) {
        if (functions.isEmpty() || mode.equals("none") || (mode.equals("auto") && "tool".equals(lastRole))) {
            return -1;
        }
        return forced >= 0 ? forced : new Random(seed * 31 + 7).nextInt(functions.size());
    }
}
