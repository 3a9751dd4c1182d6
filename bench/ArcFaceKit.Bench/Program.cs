using ArcFaceKit.Bench;

// Prints figures, not pass/fail: medians over repeats, with a baseline measured in the same run.
// Usage: bench [pipeline|search|all] [--models DIR] [--images DIR] [--repeats N]
var options = BenchOptions.Parse(args);
if (options.Suite is "pipeline" or "all")
{
    PipelineBench.Run(options);
}

if (options.Suite is "search" or "all")
{
    SearchBench.Run(options);
}
