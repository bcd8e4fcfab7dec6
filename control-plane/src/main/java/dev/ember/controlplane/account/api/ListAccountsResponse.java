package dev.ember.controlplane.account.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One page of accounts, as Fireworks' {@code gatewayListAccountsResponse}; no {@code nextPageToken} on the last. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListAccountsResponse(List<Account> accounts, String nextPageToken, int totalSize) {
}
