import NIOCore

/// An event loop as a task executor: tasks that prefer it run on the loop's thread, beside the
/// connection's I/O, so a request read, handled inline and answered needs no hop between the
/// loop and Swift's cooperative pool.
package final class EventLoopTaskExecutor: TaskExecutor {
  package let eventLoop: any EventLoop

  package init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

  package func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
