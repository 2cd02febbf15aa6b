@testable import DMSEngine
import Foundation
import Testing

/// The first answer wins, whether it comes before or after the wait begins, and from any thread.
@Suite struct FirstAnswerTests {
    @Test func answerGivenBeforeTheWaitIsReturnedAndLaterOnesAreDropped() async {
        let answer = FirstAnswer<Int>()
        answer.give(1)
        answer.give(2)
        #expect(await answer.wait() == 1)
        answer.give(3)
    }

    @Test func waitEndsWithTheFirstAnswerGivenWhileItWaits() async {
        let answer = FirstAnswer<String>()
        let waiting = Task { await answer.wait() }
        // Given from a thread of its own, as the blocking work does; the second is dropped.
        Thread.detachNewThread {
            answer.give("first")
            answer.give("second")
        }
        #expect(await waiting.value == "first")
    }

    @Test func cancellingTheWaiterAnswersForItWhileTheWorkGoesOn() async {
        let answer = FirstAnswer<String?>()
        let release = FirstAnswer<Void>()
        let waiting = Task {
            await withTaskCancellationHandler {
                await answer.wait()
            } onCancel: {
                answer.give(nil)
            }
        }
        waiting.cancel()
        #expect(await waiting.value == nil, "the cancelled waiter has its answer at once")
        // The work finishing afterwards changes nothing.
        Thread.detachNewThread {
            answer.give("late")
            release.give(())
        }
        await release.wait()
    }
}
