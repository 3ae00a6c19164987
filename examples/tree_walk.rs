//! A recursive generator: an in-order walk of a binary tree that delegates to itself for each
//! subtree. `boxed` makes the fn return `coro::Boxed`, a named type, so `yield_from!(walk(…))`
//! inside `walk` compiles (an `impl Coroutine` return type cannot contain itself: E0720).
//!
//!     cargo run --example tree_walk

struct Tree {
    value: u32,
    left: Option<Box<Tree>>,
    right: Option<Box<Tree>>,
}

fn leaf(value: u32) -> Option<Box<Tree>> {
    Some(Box::new(Tree {
        value,
        left: None,
        right: None,
    }))
}

#[coro::coroutine(yield = u32, boxed)]
fn walk(t: &Tree) {
    if let Some(left) = &t.left {
        yield_from!(walk(left));
    }
    yield_!(t.value);
    if let Some(right) = &t.right {
        yield_from!(walk(right));
    }
}

fn main() {
    let tree = Tree {
        value: 4,
        left: Some(Box::new(Tree {
            value: 2,
            left: leaf(1),
            right: leaf(3),
        })),
        right: leaf(5),
    };
    let order: Vec<u32> = walk(&tree).collect();
    println!("in order: {order:?}");
    assert_eq!(order, [1, 2, 3, 4, 5]);
}
