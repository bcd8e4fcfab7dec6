package dev.ember.common.name;

/** {@code accounts/{account}/models/{model}}. */
public record ModelName(String account, String model) {

    public ModelName {
        ResourceIds.require("account", account);
        ResourceIds.require("modelId", model);
    }

    public static ModelName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "models");
        return new ModelName(ids[0], ids[1]);
    }

    @Override
    public String toString() {
        return "accounts/" + account + "/models/" + model;
    }
}
