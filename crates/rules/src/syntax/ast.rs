//! Syntax tree of one expression, straight from the parser: names are still unresolved strings.

use crate::diag::Span;
use crate::value::Date;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Lit(Lit),
    /// `entity.above_scale`, `recognition.kind`, `high_tech`: segments with their spans.
    Path(Vec<(String, Span)>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `tier(rd_spend, year.rd_expenditure)`, `min(a, b)`, `range(10%, 20%)`.
    Call {
        name: String,
        name_span: Span,
        args: Vec<Expr>,
    },
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `[a, b, c]`, only as the right side of `in`.
    List(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lit {
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Money(Decimal),
    Rate(Decimal),
    /// `20分`: points of a score.
    Points(Decimal),
    Date(Date),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "||",
            BinOp::And => "&&",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}
