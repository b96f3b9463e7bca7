// PipelineStage: tasks run in order on the stage's own thread while the caller goes on; a failed task
// stops the ones after it; wait() hands back the last outcome; the thread-exit hook runs on that thread.
#include "sync/PipelineStage.h"

#include <QTest>

#include <atomic>
#include <future>
#include <thread>

using syncengine::PipelineStage;
using syncengine::StepOutcome;

class TestPipelineStage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runsInOrderOnItsOwnThread() {
        std::vector<int> order;
        std::thread::id stageThread;
        {
            PipelineStage stage;
            for (int i = 0; i < 50; ++i) {
                QVERIFY(stage
                            .submit([&order, &stageThread, i] {
                                order.push_back(i); // one task at a time: no lock needed
                                stageThread = std::this_thread::get_id();
                                return StepOutcome::success();
                            })
                            .ok());
            }
            QVERIFY(stage.wait().ok());
        }
        QCOMPARE(order.size(), size_t(50));
        for (int i = 0; i < 50; ++i)
            QCOMPARE(order[size_t(i)], i);
        QVERIFY(stageThread != std::this_thread::get_id());
    }

    void submitReturnsWhileTheTaskRuns() {
        PipelineStage stage;
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
        std::atomic_bool finished{false};
        QVERIFY(stage
                    .submit([released, &finished] {
                        released.wait(); // only the caller can let it finish
                        finished = true;
                        return StepOutcome::success();
                    })
                    .ok());
        QVERIFY(!finished); // the caller is free while the task waits
        release.set_value();
        QVERIFY(stage.wait().ok());
        QVERIFY(finished);
    }

    void aFailureStopsTheTasksAfterIt() {
        PipelineStage stage;
        bool laterRan = false;
        QVERIFY(stage.submit([] { return StepOutcome::failed(QStringLiteral("disk full")); }).ok());
        const StepOutcome next = stage.submit([&laterRan] {
            laterRan = true;
            return StepOutcome::success();
        });
        QCOMPARE(next.status, StepOutcome::Status::Failed);
        QCOMPARE(next.error, QStringLiteral("disk full"));
        QVERIFY(stage.wait().ok()); // collected once; nothing in flight
        QVERIFY(!laterRan);
    }

    void waitReportsTheLastOutcome() {
        PipelineStage stage;
        QVERIFY(stage.wait().ok()); // nothing submitted yet
        QVERIFY(stage.submit([] { return StepOutcome::lost(QStringLiteral("fenced")); }).ok());
        const StepOutcome last = stage.wait();
        QCOMPARE(last.status, StepOutcome::Status::Lost);
        QCOMPARE(last.error, QStringLiteral("fenced"));
    }

    void threadExitHookRunsOnTheStageThread() {
        std::thread::id taskThread;
        std::thread::id exitThread;
        {
            PipelineStage stage([&exitThread] { exitThread = std::this_thread::get_id(); });
            QVERIFY(stage
                        .submit([&taskThread] {
                            taskThread = std::this_thread::get_id();
                            return StepOutcome::success();
                        })
                        .ok());
        } // the destructor waits for the task and joins
        QVERIFY(taskThread != std::thread::id());
        QCOMPARE(exitThread, taskThread);
    }
};

QTEST_GUILESS_MAIN(TestPipelineStage)
#include "TestPipelineStage.moc"
