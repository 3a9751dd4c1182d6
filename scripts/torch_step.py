"""Baseline for scripts/train-bench.sh: the same MobileFaceNet + ArcFace training step in (Debian's) PyTorch."""
import argparse, math, resource, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBn(nn.Sequential):
    def __init__(self, cin, cout, k=1, s=1, p=0, g=1, act=True):
        layers = [nn.Conv2d(cin, cout, k, s, p, groups=g, bias=False), nn.BatchNorm2d(cout)]
        super().__init__(*(layers + [nn.PReLU(cout)] if act else layers))


class DepthWise(nn.Module):
    def __init__(self, cin, cout, hidden, s, residual):
        super().__init__()
        self.residual = residual
        self.body = nn.Sequential(ConvBn(cin, hidden), ConvBn(hidden, hidden, 3, s, 1, hidden), ConvBn(hidden, cout, act=False))

    def forward(self, x):
        y = self.body(x)
        return y + x if self.residual else y


class MobileFaceNet(nn.Module):
    """The layout of ArcFaceKit.Training's MobileFaceNet (blocks 1-4-6-2)."""
    def __init__(self, emb=128, size=112):
        super().__init__()
        layers = [ConvBn(3, 64, 3, 2, 1), ConvBn(64, 64, 3, 1, 1, 64), DepthWise(64, 64, 128, 2, False)]
        layers += [DepthWise(64, 64, 128, 1, True) for _ in range(4)] + [DepthWise(64, 128, 256, 2, False)]
        layers += [DepthWise(128, 128, 256, 1, True) for _ in range(6)] + [DepthWise(128, 128, 512, 2, False)]
        layers += [DepthWise(128, 128, 256, 1, True) for _ in range(2)] + [ConvBn(128, 512)]
        self.body = nn.Sequential(*layers)
        self.gdc = ConvBn(512, 512, size // 16, g=512, act=False)
        self.linear = nn.Linear(512, emb, bias=False)
        self.features = nn.BatchNorm1d(emb)

    def forward(self, x):
        return self.features(self.linear(self.gdc(self.body(x)).flatten(1)))


class ArcFace(nn.Module):
    def __init__(self, emb, classes, s=64.0, m=0.5):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(classes, emb))
        nn.init.xavier_uniform_(self.weight)
        self.s, self.m = s, m

    def forward(self, x, labels):
        cos = F.linear(F.normalize(x), F.normalize(self.weight))
        sin = torch.sqrt((1 - cos * cos).clamp(min=1e-12))
        target = torch.where(cos > math.cos(math.pi - self.m), cos * math.cos(self.m) - sin * math.sin(self.m), cos - math.sin(math.pi - self.m) * self.m)
        logits = torch.where(F.one_hot(labels, cos.shape[1]).bool(), target, cos) * self.s
        return F.cross_entropy(logits, labels)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--input-size", type=int, default=112)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net, head = MobileFaceNet(128, a.input_size), ArcFace(128, 1000)
    opt = torch.optim.SGD(list(net.parameters()) + list(head.parameters()), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x, y = torch.randn(a.batch, 3, a.input_size, a.input_size), torch.randint(0, 1000, (a.batch,))
    times = []
    for i in range(a.steps + 1):
        t = time.perf_counter()
        opt.zero_grad()
        head(net(x), y).backward()
        opt.step()
        if i:
            times.append(time.perf_counter() - t)
    times.sort()
    med = times[len(times) // 2]
    params = sum(p.numel() for p in net.parameters())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"PyTorch {torch.__version__} MobileFaceNet ({params:,} parameters) + ArcFace, batch {a.batch}, {a.input_size}x{a.input_size}, "
          f"{a.threads} threads: median step {med:.3f} s, {a.batch / med:.1f} images/s, peak memory {peak} MiB")


if __name__ == "__main__":
    main()
