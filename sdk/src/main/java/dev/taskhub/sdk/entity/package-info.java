/**
 * Durable entities: small, addressable pieces of state ({@link
 * dev.taskhub.sdk.entity.EntityInstanceId}, {@code @name@key}) that process operations one at a
 * time. Write one as a class ({@link dev.taskhub.sdk.entity.TaskEntity}: public methods are
 * operations) or as a lambda ({@link dev.taskhub.sdk.entity.Entity} over an {@link
 * dev.taskhub.sdk.entity.EntityOperation}); register it with {@code
 * TaskhubWorker.Builder.addEntity}. {@link dev.taskhub.sdk.entity.EntityExecutor} runs the
 * scheduler's operation batches, each operation as a transaction of its own.
 */
package dev.taskhub.sdk.entity;
