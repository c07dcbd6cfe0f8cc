# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 训练一个分类器
#
# 前面几章分别讲了张量、自动求导、神经网络和数据处理。
# 这一章把它们串起来，完整地训练一个图像分类器：读入真实的手写数字图片，
# 把它们变成张量、分成小批，先训练一个多层感知机，再训练一个小小的卷积神经网络，
# 画出训练曲线，最后看看模型认错了哪些数字。
#
# 这一页本身就是一个 Jupyter 笔记本（notebook）：网站构建时，页面上的每个代码单元都真实运行了一遍，
# 你看到的输出和图片就是那次运行的结果。
# 点页面右上角的下载按钮，可以拿到 `.ipynb` 文件，在自己的电脑上运行
# （需要先安装 picotorch、scikit-learn 和 matplotlib）。
# 代码里写的是 `import picotorch as torch` 等；把其中的 `picotorch` 都换成 `torch`
# （`import picotorch.nn as nn` 换成 `import torch.nn as nn`，依此类推），
# 也能原样运行，打印的结果一样。
# 整个笔记本在普通电脑的 CPU 上十几秒就能运行完。

# %% [markdown]
# ## 准备数据
#
# 我们用 scikit-learn 自带的手写数字数据集（digits）。它随 scikit-learn 一起安装，不需要下载：
# 一共 1797 张 8×8 像素的灰度图，每个像素是 0 到 16 之间的整数，
# 标签（label）是图上写的数字 0 到 9。
# 它比常见的 MNIST（28×28，7 万张）小得多，正适合在几秒钟里训练完。

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

import picotorch as torch
import picotorch.nn as nn
import picotorch.optim as optim
from picotorch.utils.data import DataLoader, TensorDataset, random_split

digits = load_digits()
print(digits.images.shape, digits.images.dtype)
print(digits.target.shape, digits.target[:10])
print(digits.images.min(), digits.images.max())

# %% [markdown]
# 画出前 10 张图看看，每张图上方是它的标签：

# %%
fig, axes = plt.subplots(1, 10, figsize=(10, 1.6))
for i, ax in enumerate(axes):
    ax.imshow(digits.images[i], cmap="gray_r")
    ax.set_title(str(digits.target[i]))
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 变成张量，分成小批
#
# [数据处理](../../data/)一章讲过：NumPy 数组用 `torch.from_numpy` 变成张量。
# 图片原来是 `float64`，而神经网络的参数默认是 `float32`，
# 所以先用 `.float()` 转成 `float32`，再除以 16，把像素值缩放到 0 到 1 之间。
# 卷积层要求输入的形状是“样本数 × 通道数 × 高 × 宽”，灰度图只有一个通道，
# 所以用 `unsqueeze(1)` 在第 1 维插入一个长度为 1 的通道维。
# 标签转过来是 `int64`，正是交叉熵损失要求的类别编号类型。

# %%
images = torch.from_numpy(digits.images).float().div(16).unsqueeze(1)
labels = torch.from_numpy(digits.target)
print(images.shape, images.dtype)
print(labels.shape, labels.dtype)

# %% [markdown]
# 把图片和标签装进 `TensorDataset`，再用 `random_split` 随机分出 80% 做训练集、20% 做测试集。
# 测试集不参与训练，只用来检查模型在**没见过的**图片上表现如何。
# 给 `random_split` 一个设好种子的随机数生成器（`torch.Generator`），每次运行都会分得一模一样。
#
# 训练集用 `DataLoader` 每次取 32 张，并在每一轮（epoch）开始时打乱顺序；
# 测试集只用来评估，不需要打乱。

# %%
dataset = TensorDataset(images, labels)
generator = torch.Generator().manual_seed(0)
train_set, test_set = random_split(dataset, [0.8, 0.2], generator=generator)
print(len(train_set), len(test_set))

train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = DataLoader(test_set, batch_size=256)
print(len(train_loader), len(test_loader))

# %% [markdown]
# ## 训练和评估的函数
#
# 两个模型的训练方法完全一样，所以先写成两个函数。
#
# `evaluate` 在测试集上计算**准确率**（accuracy）：模型对每张图输出 10 个得分，
# 得分最高的类别（`argmax`）就是它的预测，预测对的图片占测试集的比例就是准确率。
# 评估前用 `model.eval()` 切换到评估模式，并在 `torch.no_grad()` 里计算，不记录计算图；
# 评估完再用 `model.train()` 切回训练模式。
# （这两个模型里没有 Dropout、BatchNorm 这类在两种模式下表现不同的层，但养成切换的习惯总没错。）
#
# `fit` 就是[神经网络](../../neural-networks/)一章的训练循环：每一轮把训练集按小批过一遍，
# 每一批都是清零梯度、前向传播、计算损失、反向传播、更新参数这五步。
# 损失函数用分类问题最常用的交叉熵损失 `nn.CrossEntropyLoss`。
# 优化器用 `optim.Adam`：它和 SGD 一样根据梯度更新参数，
# 但会根据每个参数梯度的历史为它单独调整步长，对学习率没有 SGD 那么敏感，通常收敛得更快。
# 再配一个**学习率调度器**（learning rate scheduler）`optim.lr_scheduler.StepLR`：
# 每过 4 轮把学习率乘以 0.3。开始时步子大，损失下降得快；
# 后面步子变小，参数就能稳稳地停在损失低的地方，而不是在附近来回晃。
# 每一轮结束时记下这一轮的平均训练损失和测试准确率，训练完用来画曲线。


# %%
def evaluate(model):
    """模型在测试集上的准确率：预测正确的图片所占的比例。"""
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in test_loader:
            correct += (model(x).argmax(dim=1) == y).sum().item()
    model.train()
    return correct / len(test_set)


def fit(model, epochs=12, lr=0.01):
    """训练 epochs 轮，返回每一轮的平均训练损失和测试准确率。"""
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=lr)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.3)
    history = {"loss": [], "acc": []}
    for epoch in range(1, epochs + 1):
        total = 0.0
        for x, y in train_loader:
            optimizer.zero_grad()  # 1. 清零梯度
            output = model(x)  # 2. 前向传播
            loss = loss_fn(output, y)  # 3. 计算损失
            loss.backward()  # 4. 反向传播
            optimizer.step()  # 5. 更新参数
            total += loss.item() * len(x)  # loss 是这一批的平均值，乘回样本数
        scheduler.step()  # 这一轮结束，按计划调整学习率
        mean_loss, accuracy = total / len(train_set), evaluate(model)
        history["loss"].append(mean_loss)
        history["acc"].append(accuracy)
        print(f"epoch {epoch:2d}  loss {mean_loss:.4f}  test accuracy {accuracy:.2%}")
    return history


# %% [markdown]
# ## 第一个模型：多层感知机
#
# **多层感知机**（multilayer perceptron，MLP）就是几个全连接层（`nn.Linear`）中间夹着激活函数。
# `nn.Linear` 只对输入的最后一维做变换，所以先用 `nn.Flatten()` 把每张 1×8×8 的图片摊平成 64 个数，
# 让这 64 个像素都落在最后一维上；
# 隐藏层有 128 个神经元，最后一层输出 10 个得分，对应 10 个数字。
# `nn.Sequential` 把这些层按顺序串起来，数据从第一层依次流到最后一层，不用自己写 `forward`。
#
# 创建模型前先设好随机种子：参数的初始值、之后每一轮打乱的顺序就都是确定的了。

# %%
torch.manual_seed(0)
mlp = nn.Sequential(
    nn.Flatten(),
    nn.Linear(64, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
)
print(mlp)
print("参数个数:", sum(p.numel() for p in mlp.parameters()))

# %%
mlp_history = fit(mlp)

# %% [markdown]
# 训练损失一路下降；只训练了十几轮，多层感知机在测试集上就认对了约 97% 的图片。

# %% [markdown]
# ## 第二个模型：卷积神经网络
#
# 多层感知机一上来就把图片摊平了，它并不知道哪些像素彼此相邻。
# **卷积神经网络**（convolutional neural network，CNN）则保留图片的二维结构：
# 卷积层（`nn.Conv2d`）用一个个 3×3 的小卷积核在图上滑动，检测笔画的边缘、拐角这类局部图案；
# 池化层（`nn.MaxPool2d`）在每个 2×2 的区域里只留最大值，把图的长和宽各缩小一半，
# 让后面的层看到更大的范围。
#
# 这个网络里数据的形状依次是：
#
# | 层 | 输出形状 |
# | --- | --- |
# | 输入图片 | 1×8×8 |
# | 卷积，16 个 3×3 卷积核，`padding=1` 四周补一圈零，大小不变；ReLU | 16×8×8 |
# | 2×2 最大池化 | 16×4×4 |
# | 卷积，32 个卷积核；ReLU | 32×4×4 |
# | 2×2 最大池化 | 32×2×2 |
# | 摊平 | 128 |
# | 全连接层 | 10 |

# %%
torch.manual_seed(0)
cnn = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(128, 10),
)
print(cnn)
print("参数个数:", sum(p.numel() for p in cnn.parameters()))

# %%
cnn_history = fit(cnn)

# %% [markdown]
# 卷积网络的参数比多层感知机还少，准确率却更高。
# 下面这个单元检查最终的测试准确率至少是 97%：如果哪天代码改坏了、模型训练不好了，
# 这一行就会报错，网站也就构建失败，不会把错误的结果发布出去。

# %%
assert cnn_history["acc"][-1] >= 0.97, cnn_history["acc"]
print(f"CNN 最终测试准确率: {cnn_history['acc'][-1]:.2%}")

# %% [markdown]
# ## 训练曲线
#
# 把两个模型每一轮的训练损失和测试准确率画出来，横轴是训练的轮数。
# 左图是训练损失（training loss），越低越好；右图是测试准确率（test accuracy），越高越好。

# %%
epochs = range(1, len(mlp_history["loss"]) + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
for name, history in [("MLP", mlp_history), ("CNN", cnn_history)]:
    ax_loss.plot(epochs, history["loss"], marker="o", label=name)
    ax_acc.plot(epochs, history["acc"], marker="o", label=name)
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss")
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("test accuracy")
for ax in (ax_loss, ax_acc):
    ax.grid(alpha=0.3)
    ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 看看预测结果
#
# 最后用卷积网络预测测试集的全部图片。`test_set` 是 `random_split` 返回的 `Subset`，
# 它的 `indices` 记着每个样本在原数据集里的位置，用它就能一次取出测试集的所有图片和标签。

# %%
test_images = images[test_set.indices]
test_labels = labels[test_set.indices]
cnn.eval()
with torch.no_grad():
    predicted = cnn(test_images).argmax(dim=1)
wrong = torch.arange(len(test_labels))[predicted != test_labels]  # 认错的是第几张
print("测试图片:", len(test_labels), " 认错:", len(wrong))

# %% [markdown]
# 先看测试集的前 10 张图片，标题是“预测 / 真实”的数字：

# %%
fig, axes = plt.subplots(1, 10, figsize=(10, 1.7))
for i, ax in enumerate(axes):
    ax.imshow(test_images[i, 0].numpy(), cmap="gray_r")
    ax.set_title(f"{predicted[i].item()} / {test_labels[i].item()}")
    ax.axis("off")
plt.show()

# %% [markdown]
# 再看看认错的那几张（标题同样是“预测 / 真实”）。
# 有些错误连人看了也会犹豫：8×8 的图片实在太粗糙了。

# %%
fig, axes = plt.subplots(1, len(wrong), figsize=(1.2 * len(wrong), 1.7), squeeze=False)
for ax, i in zip(axes[0], wrong.tolist(), strict=True):
    ax.imshow(test_images[i, 0].numpy(), cmap="gray_r")
    ax.set_title(f"{predicted[i].item()} / {test_labels[i].item()}", color="tab:red")
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 小结
#
# 训练一个分类器的完整流程就是这几步：
#
# 1. 把数据读成 NumPy 数组，转成张量，调整好类型和形状；
# 2. 用 `Dataset` 和 `DataLoader` 分出训练集和测试集，按小批取用；
# 3. 用 `nn.Module`（这里是 `nn.Sequential`）定义模型；
# 4. 选好损失函数和优化器，一轮一轮地训练：清零梯度、前向传播、计算损失、反向传播、更新参数；
# 5. 在测试集上评估，画出曲线，看看模型在哪里出错。
#
# 换成更大的数据集、更深的网络，流程也还是这几步。
