//! The expression language inside pack files: a hand-written lexer and parser that keep byte spans.
//!
//! Input is one expression string (a guard, an amount, a once-key part); spans are relative to it and
//! the pack loader shifts them into the enclosing TOML file. This stage knows nothing of facts or
//! types: `resolve` gives names their meaning and checks types.

pub mod ast;
pub mod lexer;
pub mod parser;

pub use ast::{BinOp, Expr, ExprKind, Lit, UnOp};
pub use parser::{ParseError, parse_expr};
