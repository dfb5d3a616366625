/**
 * Starting, querying and managing orchestration instances: {@link
 * dev.taskhub.sdk.client.TaskhubClient}.
 */
package dev.taskhub.sdk.client;
