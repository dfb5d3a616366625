package dev.taskhub.sdk.orchestration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A logger named {@code orchestration.<name>} that is silent while the orchestration replays, so
 * each line is written once however often the code runs again.
 */
final class ReplaySafeLogger extends LegacyAbstractLogger {
  private final transient RuntimeContext context;
  private final transient Logger delegate;

  ReplaySafeLogger(RuntimeContext context) {
    this.context = context;
    this.name = "orchestration." + context.name();
    this.delegate = LoggerFactory.getLogger(name);
  }

  private boolean live() {
    return !context.isReplaying();
  }

  @Override
  public boolean isTraceEnabled() {
    return live() && delegate.isTraceEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return live() && delegate.isDebugEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return live() && delegate.isInfoEnabled();
  }

  @Override
  public boolean isWarnEnabled() {
    return live() && delegate.isWarnEnabled();
  }

  @Override
  public boolean isErrorEnabled() {
    return live() && delegate.isErrorEnabled();
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return ReplaySafeLogger.class.getName();
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
    LoggingEventBuilder event = delegate.makeLoggingEventBuilder(level).setMessage(messagePattern);
    if (marker != null) {
      event.addMarker(marker);
    }
    if (arguments != null) {
      for (Object argument : arguments) {
        event.addArgument(argument);
      }
    }
    if (throwable != null) {
      event.setCause(throwable);
    }
    event.log();
  }
}
