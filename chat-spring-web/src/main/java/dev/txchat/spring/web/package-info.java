/**
 * Optional HTTP surfaces for txchat, each switched on by a property and each asking the host's
 * {@link dev.txchat.spring.web.ActorResolver} who the caller is: REST in SDK.finance's shape
 * ({@code txchat.web.rest.enabled}, package {@code dev.txchat.spring.web.rest}) and GraphQL in
 * Marketplacer's shape ({@code txchat.web.graphql.enabled}, package
 * {@code dev.txchat.spring.web.graphql}).
 */
package dev.txchat.spring.web;
