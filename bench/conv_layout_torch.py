"""Transposed vs plain convolution time, NCHW vs channels_last, in PyTorch (docs/engine.md, layout).
Run: /usr/bin/python3 bench/conv_layout_torch.py"""
from torch_setup import pin_malloc  # noqa: E402  (before torch: it sets OpenBLAS threads)
import torch, time


MALLOC = pin_malloc()  # every process in PyTorch's fast allocation mode (torch_setup.py)
torch.set_num_threads(2)
def bench(f, n=50):
    for _ in range(5): f()
    ts=[]
    for _ in range(n):
        t0=time.perf_counter(); f(); ts.append(time.perf_counter()-t0)
    ts.sort(); return ts[n//2]*1e3
for (cin,cout,h) in [(64,32,4),(32,16,8),(16,1,16)]:
    x = torch.rand(64,cin,h,h); w = torch.rand(cin,cout,3,3)
    xc = x.contiguous(memory_format=torch.channels_last); wc = w.contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        a = bench(lambda: torch.nn.functional.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1))
        b = bench(lambda: torch.nn.functional.conv_transpose2d(xc, wc, stride=2, padding=1, output_padding=1))
        c = bench(lambda: torch.nn.functional.conv_transpose2d(xc, wc, stride=2, padding=0, output_padding=0))
    print(cin,cout,h,'nchw %.2f ms, cl %.2f ms, cl pad0 %.2f'%(a,b,c))
for (cin,cout,h) in [(1,16,28),(16,32,14),(32,64,7)]:
    x = torch.rand(64,cin,h,h); w = torch.rand(cout,cin,3,3)
    xc = x.contiguous(memory_format=torch.channels_last); wc = w.contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        a = bench(lambda: torch.nn.functional.conv2d(x, w, stride=2, padding=1))
        b = bench(lambda: torch.nn.functional.conv2d(xc, wc, stride=2, padding=1))
    print('conv', cin,cout,h,'nchw %.2f ms, cl %.2f ms'%(a,b))
