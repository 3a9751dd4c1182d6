using System.Diagnostics;
using ArcFaceKit.Training.Backbones;
using ArcFaceKit.Training.Data;
using ArcFaceKit.Training.Heads;
using TorchSharp;
using static TorchSharp.torch;

namespace ArcFaceKit.Training.Training;

/// <summary>
/// Trains a backbone with a margin head. The optimiser (SGD, momentum, decoupled from TorchSharp's so its state is
/// ours to checkpoint) and the data order depend only on the seed and the step, so a run resumed from a checkpoint
/// ends with the same weights as an uninterrupted one.
/// </summary>
public sealed class Trainer<TBackbone>
    where TBackbone : nn.Module<Tensor, Tensor>, IBackbone
{
    private readonly TBackbone _backbone;
    private readonly MarginHead _head;
    private readonly TrainerOptions _options;
    private readonly List<Tensor> _parameters;
    private readonly List<Tensor> _momentum;

    public Trainer(TBackbone backbone, MarginHead head, TrainerOptions options)
    {
        _backbone = backbone;
        _head = head;
        _options = options;
        var device = torch.device(options.Device);
        backbone.to(device);
        head.to(device);
        _parameters = [.. backbone.parameters(), .. head.parameters()];
        _momentum = [.. _parameters.Select(p => torch.zeros_like(p))];
    }

    /// <summary>Steps done so far (restored by <see cref="LoadCheckpoint"/>).</summary>
    public long Step { get; private set; }

    public double LearningRateAt(long step, long totalSteps)
    {
        if (step < _options.WarmupSteps)
        {
            return _options.LearningRate * (step + 1) / _options.WarmupSteps;
        }

        double progress = (double)(step - _options.WarmupSteps) / Math.Max(1, totalSteps - _options.WarmupSteps);
        return _options.LearningRate * Math.Pow(Math.Max(0, 1 - progress), _options.PolyPower);
    }

    /// <summary>Runs until <see cref="TrainerOptions.Epochs"/> are done (from the current step), reporting each step.</summary>
    public void Run(FaceDataset data, Action<StepReport>? onStep = null, Func<long, bool>? stopAfter = null)
    {
        int perEpoch = data.BatchesPerEpoch(_options.BatchSize);
        if (perEpoch == 0)
        {
            throw new ArgumentException($"The data set has {data.Count} images, fewer than one batch of {_options.BatchSize}.");
        }

        long total = (long)perEpoch * _options.Epochs;
        var device = torch.device(_options.Device);
        while (Step < total)
        {
            int epoch = (int)(Step / perEpoch);
            foreach (var (input, labels) in data.Batches(epoch, _options.BatchSize, _options.Seed, _options.Flip, _options.Augment).Skip((int)(Step % perEpoch)))
            {
                using var ownedInput = input;
                using var ownedLabels = labels;
                var watch = Stopwatch.StartNew();
                var (loss, accuracy) = TrainStep(input.to(device), labels.to(device), LearningRateAt(Step, total));
                onStep?.Invoke(new StepReport(Step, total, epoch, loss, accuracy, LearningRateAt(Step - 1, total), _options.BatchSize / watch.Elapsed.TotalSeconds));
                if (stopAfter?.Invoke(Step) == true)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One SGD step on a batch; returns the loss and the batch accuracy.</summary>
    public (double Loss, double Accuracy) TrainStep(Tensor input, Tensor labels, double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        _backbone.train();
        _head.train();
        foreach (var p in _parameters)
        {
            p.grad?.zero_();
        }

        if (_head is SphereFaceHead sphere)
        {
            sphere.Anneal(Step);
        }

        var embeddings = _backbone.forward(input);
        var loss = _head.Loss(embeddings, labels);
        loss.backward();
        double accuracy;
        using (torch.no_grad())
        {
            accuracy = _head.forward(embeddings, labels).argmax(1).eq(labels).to(ScalarType.Float64).mean().item<double>();
            if (_options.ClipNorm > 0)
            {
                var norm = torch.sqrt(torch.stack(_parameters.Where(p => p.grad is not null).Select(p => p.grad!.pow(2).sum())).sum()).ToDouble();
                if (norm > _options.ClipNorm)
                {
                    foreach (var p in _parameters.Where(p => p.grad is not null))
                    {
                        p.grad!.mul_(_options.ClipNorm / norm);
                    }
                }
            }

            for (int i = 0; i < _parameters.Count; i++)
            {
                var p = _parameters[i];
                if (p.grad is null)
                {
                    continue;
                }

                var g = p.grad + (p * _options.WeightDecay);
                _momentum[i].mul_(_options.Momentum).add_(g);
                p.sub_(_momentum[i] * learningRate);
            }
        }

        if (_head is CenterLossHead center)
        {
            center.UpdateCenters(embeddings, labels);
        }

        Step++;
        return (loss.ToDouble(), accuracy);
    }

    /// <summary>Saves weights, head, optimiser state and step.</summary>
    public void SaveCheckpoint(string path)
    {
        string temp = path + ".partial";
        using (var writer = new BinaryWriter(File.Create(temp)))
        {
            writer.Write(Step);
            _backbone.save(writer);
            _head.save(writer);
            writer.Write(_momentum.Count);
            foreach (var m in _momentum)
            {
                var values = m.cpu().to(ScalarType.Float32).data<float>().ToArray();
                writer.Write(values.Length);
                foreach (var v in values)
                {
                    writer.Write(v);
                }
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    public void LoadCheckpoint(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        Step = reader.ReadInt64();
        _backbone.load(reader);
        _head.load(reader);
        int count = reader.ReadInt32();
        if (count != _momentum.Count)
        {
            throw new InvalidDataException($"{path} holds optimiser state for {count} tensors; this model has {_momentum.Count}.");
        }

        using var noGrad = torch.no_grad();
        foreach (var m in _momentum)
        {
            var values = new float[reader.ReadInt32()];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = reader.ReadSingle();
            }

            using var loaded = torch.tensor(values, m.shape);
            m.copy_(loaded);
        }
    }
}
