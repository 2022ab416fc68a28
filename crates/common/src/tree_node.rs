//! The tree rewrite API shared by expressions and plans. Implement one primitive,
//! [`TreeNode::map_children`] (and [`TreeNode::apply_children`] for visits), and get
//! `transform_up`, `transform_down`, `apply` and `exists` for free. Rewrites take the
//! tree by value and say whether anything changed through [`Transformed`].

use crate::error::Result;

/// The result of a rewrite: the (possibly new) tree and whether it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Transformed<T> {
    pub data: T,
    pub transformed: bool,
}

impl<T> Transformed<T> {
    pub fn new(data: T, transformed: bool) -> Self {
        Transformed { data, transformed }
    }
    pub fn yes(data: T) -> Self {
        Transformed { data, transformed: true }
    }
    pub fn no(data: T) -> Self {
        Transformed { data, transformed: false }
    }
    /// Applies `f` to the data, keeping the flag.
    pub fn map_data<U>(self, f: impl FnOnce(T) -> U) -> Transformed<U> {
        Transformed { data: f(self.data), transformed: self.transformed }
    }
    /// Applies a fallible rewrite to the data, or-ing the flags.
    pub fn transform_data<U>(self, f: impl FnOnce(T) -> Result<Transformed<U>>) -> Result<Transformed<U>> {
        let t = f(self.data)?;
        Ok(Transformed { data: t.data, transformed: t.transformed || self.transformed })
    }
}

/// What a visitor wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeNodeRecursion {
    /// Visit the children.
    Continue,
    /// Skip this node's children.
    Jump,
    /// Stop the whole visit.
    Stop,
}

/// A node of a tree that can be rewritten and visited.
pub trait TreeNode: Sized {
    /// Rewrites each direct child with `f`; the flag is set if any child changed.
    fn map_children<F: FnMut(Self) -> Result<Transformed<Self>>>(self, f: F) -> Result<Transformed<Self>>;

    /// Calls `f` on each direct child, stopping early on `Stop`.
    fn apply_children<'a, F: FnMut(&'a Self) -> Result<TreeNodeRecursion>>(&'a self, f: F) -> Result<TreeNodeRecursion>;

    /// Rewrites children first, then the node (post-order).
    fn transform_up<F: FnMut(Self) -> Result<Transformed<Self>>>(self, mut f: F) -> Result<Transformed<Self>> {
        transform_up_impl(self, &mut f)
    }

    /// Rewrites the node first, then its (new) children (pre-order).
    fn transform_down<F: FnMut(Self) -> Result<Transformed<Self>>>(self, mut f: F) -> Result<Transformed<Self>> {
        transform_down_impl(self, &mut f)
    }

    /// Visits the tree pre-order.
    fn apply<'a, F: FnMut(&'a Self) -> Result<TreeNodeRecursion>>(&'a self, mut f: F) -> Result<TreeNodeRecursion> {
        apply_impl(self, &mut f)
    }

    /// True if any node of the tree satisfies `pred`.
    fn exists<F: FnMut(&Self) -> bool>(&self, mut pred: F) -> bool {
        let mut found = false;
        let _ = self.apply(|n| {
            if pred(n) {
                found = true;
                Ok(TreeNodeRecursion::Stop)
            } else {
                Ok(TreeNodeRecursion::Continue)
            }
        });
        found
    }
}

fn transform_up_impl<N: TreeNode>(node: N, f: &mut dyn FnMut(N) -> Result<Transformed<N>>) -> Result<Transformed<N>> {
    let children = node.map_children(|c| transform_up_impl(c, f))?;
    children.transform_data(f)
}

fn transform_down_impl<N: TreeNode>(node: N, f: &mut dyn FnMut(N) -> Result<Transformed<N>>) -> Result<Transformed<N>> {
    let this = f(node)?;
    this.transform_data(|n| n.map_children(|c| transform_down_impl(c, f)))
}

fn apply_impl<'a, N: TreeNode>(
    node: &'a N,
    f: &mut dyn FnMut(&'a N) -> Result<TreeNodeRecursion>,
) -> Result<TreeNodeRecursion> {
    match f(node)? {
        TreeNodeRecursion::Continue => {}
        TreeNodeRecursion::Jump => return Ok(TreeNodeRecursion::Continue),
        TreeNodeRecursion::Stop => return Ok(TreeNodeRecursion::Stop),
    }
    node.apply_children(|c| apply_impl(c, f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum T {
        Leaf(i32),
        Add(Box<T>, Box<T>),
    }

    impl TreeNode for T {
        fn map_children<F: FnMut(Self) -> Result<Transformed<Self>>>(self, mut f: F) -> Result<Transformed<Self>> {
            Ok(match self {
                T::Leaf(_) => Transformed::no(self),
                T::Add(a, b) => {
                    let a = f(*a)?;
                    let b = f(*b)?;
                    Transformed::new(T::Add(Box::new(a.data), Box::new(b.data)), a.transformed || b.transformed)
                }
            })
        }
        fn apply_children<'a, F: FnMut(&'a Self) -> Result<TreeNodeRecursion>>(
            &'a self,
            mut f: F,
        ) -> Result<TreeNodeRecursion> {
            if let T::Add(a, b) = self {
                if f(a)? == TreeNodeRecursion::Stop {
                    return Ok(TreeNodeRecursion::Stop);
                }
                return f(b);
            }
            Ok(TreeNodeRecursion::Continue)
        }
    }

    #[test]
    fn transform_up_folds_constants() {
        let t = T::Add(Box::new(T::Add(Box::new(T::Leaf(1)), Box::new(T::Leaf(2)))), Box::new(T::Leaf(3)));
        let out = t
            .transform_up(|n| match n {
                T::Add(a, b) => match (*a, *b) {
                    (T::Leaf(x), T::Leaf(y)) => Ok(Transformed::yes(T::Leaf(x + y))),
                    (a, b) => Ok(Transformed::no(T::Add(Box::new(a), Box::new(b)))),
                },
                other => Ok(Transformed::no(other)),
            })
            .unwrap();
        assert!(out.transformed);
        assert_eq!(out.data, T::Leaf(6));
        assert!(!out.data.exists(|n| matches!(n, T::Add(..))));
    }
}
