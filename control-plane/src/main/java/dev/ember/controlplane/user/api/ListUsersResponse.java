package dev.ember.controlplane.user.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One page of an account's users, as Fireworks' {@code gatewayListUsersResponse}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListUsersResponse(List<User> users, String nextPageToken, int totalSize) {
}
